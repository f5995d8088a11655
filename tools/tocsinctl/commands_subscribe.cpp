// `tocsinctl subscribe TOPIC --consumer NAME [--from TOKEN] [--commit] [--limit N] [--for S]`:
// a pull consumer of SubscriptionService. Without --from it resumes at the consumer's cursor
// kept by the server; --commit stores the offset of each event printed, so the next run goes on
// from there. The stream stays open for new events until --limit, --for or an interrupt.
#include "commands.hpp"

#include <google/protobuf/util/json_util.h>

#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

namespace tocsinctl {

namespace {

struct subscribe_args {
  std::string topic;
  std::string consumer;
  std::string from;
  bool commit = false;
  std::uint64_t limit = 0;
  double for_s = 0;
};

json record_json(const pb::SubscribeEvent& ev) {
  const google::protobuf::Message* m = nullptr;
  switch (ev.record_case()) {
    case pb::SubscribeEvent::kIncidentEvent: m = &ev.incident_event(); break;
    case pb::SubscribeEvent::kFeedback: m = &ev.feedback(); break;
    case pb::SubscribeEvent::kGovernance: m = &ev.governance(); break;
    default: return json::object();
  }
  std::string text;
  google::protobuf::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(*m, &text, opts).ok())
    return json::object();
  return json::parse(text, nullptr, false);
}

json event_json(const pb::SubscribeEvent& ev) {
  return json{{"topic", ev.topic()},
              {"tenant", ev.tenant()},
              {"id", ev.id()},
              {"partition", ev.partition()},
              {"partition_offset", ev.partition_offset()},
              {"offset", ev.offset()},
              {"record", record_json(ev)}};
}

/// One line saying what the record is, for the table view.
std::string summary(const pb::SubscribeEvent& ev) {
  std::ostringstream out;
  switch (ev.record_case()) {
    case pb::SubscribeEvent::kIncidentEvent:
      out << ev.incident_event().type() << " " << ev.incident_event().aggregate_id();
      break;
    case pb::SubscribeEvent::kFeedback: {
      const auto& f = ev.feedback();
      out << name_of(f.category()) << " " << f.artifact_id() << ": " << f.summary();
      break;
    }
    case pb::SubscribeEvent::kGovernance: {
      const auto& g = ev.governance();
      out << g.kind() << " " << g.subject() << " amount " << std::setprecision(6) << g.amount()
          << " > " << g.threshold();
      break;
    }
    default:
      break;
  }
  return out.str();
}

void print_event(const pb::SubscribeEvent& ev, output fmt, bool& header) {
  if (fmt == output::json) {
    std::cout << event_json(ev).dump() << "\n"; // one object per line, for piping
  } else if (fmt == output::yaml) {
    std::cout << "---\n" << to_yaml(event_json(ev));
  } else {
    // Fixed widths: rows are printed as they arrive, before any later row is known.
    auto cell = [](std::string s, std::size_t width) {
      s.resize(std::max(s.size(), width), ' ');
      return s + "  ";
    };
    if (!header) {
      std::cout << cell("TENANT", 10) << cell("AT", 12) << cell("ID", 28) << "WHAT\n";
      header = true;
    }
    std::cout << cell(ev.tenant(), 10)
              << cell(std::to_string(ev.partition()) + "/" + std::to_string(ev.partition_offset()),
                      12)
              << cell(ev.id(), 28) << summary(ev) << "\n";
  }
  std::cout.flush();
}

grpc::Status commit(client& c, const cli_state& st, const subscribe_args& a,
                    const std::string& offset) {
  pb::CommitRequest req;
  req.set_topic(a.topic);
  req.set_consumer(a.consumer);
  req.set_offset(offset);
  req.set_tenant(st.conn.tenant);
  pb::CommitResponse resp;
  return c.subscriptions().Commit(c.context().get(), req, &resp);
}

int subscribe(client& c, output fmt, const cli_state& st, const subscribe_args& a) {
  pb::SubscribeRequest req;
  req.set_topic(a.topic);
  req.set_consumer(a.consumer);
  req.set_from_offset(a.from);
  req.set_tenant(st.conn.tenant);
  // A stream has no deadline unless --for: it runs until --limit events or an interrupt.
  auto ctx = c.context(false);
  if (a.for_s > 0)
    ctx->set_deadline(std::chrono::system_clock::now()
                      + std::chrono::milliseconds(static_cast<long>(a.for_s * 1000)));
  auto reader = c.subscriptions().Subscribe(ctx.get(), req);
  pb::SubscribeEvent ev;
  std::uint64_t seen = 0;
  bool header = false;
  std::string last;
  while (reader->Read(&ev)) {
    ++seen;
    print_event(ev, fmt, header);
    last = ev.offset();
    if (a.commit)
      if (auto s = commit(c, st, a, last); !s.ok()) {
        ctx->TryCancel();
        reader->Finish();
        return c.report(s);
      }
    if (a.limit > 0 && seen >= a.limit) {
      ctx->TryCancel();
      break;
    }
  }
  auto status = reader->Finish();
  const bool ended_by_us = (a.limit > 0 && seen >= a.limit)
                           || (a.for_s > 0
                               && status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED);
  if (!status.ok() && !ended_by_us)
    return c.report(status);
  if (fmt == output::table && !last.empty())
    std::cerr << (a.commit ? "committed; resume with: --from " : "resume with: --from ") << last
              << "\n";
  return 0;
}

} // namespace

void add_subscribe_command(CLI::App& app, cli_state& st) {
  auto* cmd = app.add_subcommand(
    "subscribe", "read a topic (incidents, feedback, governance) from a server-kept cursor");
  auto a = std::make_shared<subscribe_args>();
  cmd->add_option("topic", a->topic, "incidents, feedback or governance")
    ->required()
    ->check(CLI::IsMember({"incidents", "feedback", "governance"}));
  cmd->add_option("--consumer", a->consumer, "consumer name: whose cursor to resume and commit")
    ->required();
  cmd->add_option("--from", a->from, "resume after the event that carried this offset");
  cmd->add_flag("--commit", a->commit, "store each printed event's offset as the cursor");
  cmd->add_option("--limit", a->limit, "stop after this many events");
  cmd->add_option("--for", a->for_s, "stop after this many seconds")->check(CLI::PositiveNumber);
  cmd->callback([&st, a] {
    st.action = [&st, a](client& c, output fmt) { return subscribe(c, fmt, st, *a); };
  });
}

} // namespace tocsinctl
