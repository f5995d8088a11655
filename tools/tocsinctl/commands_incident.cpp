// `tocsinctl incident open|get|list|ack|investigate|mitigate|escalate|engage|resolve|note`.
#include "commands.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>

namespace tocsinctl {

namespace {

struct target_args {
  std::string id;
  std::string by;
  std::uint64_t expected_version = 0;
};

void add_target(CLI::App* cmd, target_args& t) {
  cmd->add_option("id", t.id, "incident id")->required();
  cmd->add_option("--by", t.by, "who acts (default: $USER)");
  cmd->add_option("--expected-version", t.expected_version,
                  "refuse (ABORTED) unless the incident is at this version");
}

void fill_target(const target_args& t, const cli_state& st, pb::TransitionTarget& out) {
  out.set_tenant(st.conn.tenant);
  out.set_id(t.id);
  out.set_by(t.by.empty() ? default_actor() : t.by);
  out.set_expected_version(t.expected_version);
}

int show(const pb::IncidentResponse& r, output fmt, const char* verb) {
  if (fmt != output::table) {
    print(to_json(r), fmt);
    return 0;
  }
  const auto& inc = r.incident();
  std::string moves;
  for (const auto& m : inc.allowed_moves())
    moves += (moves.empty() ? "" : ", ") + m;
  std::cout << "incident " << inc.id() << " " << (r.deduplicated() ? "deduplicated" : verb)
            << ": " << name_of(inc.status()) << " (version " << inc.version() << "); allowed: "
            << moves << "\n";
  return 0;
}

// One transition subcommand: `make` builds and sends the request for the parsed arguments.
template <class Request, class Call>
void add_transition(CLI::App* incident, cli_state& st, const char* name, const char* help,
                    const char* verb, std::function<void(CLI::App*)> extra,
                    std::function<void(Request&)> fill_extra, Call call) {
  auto* cmd = incident->add_subcommand(name, help);
  auto t = std::make_shared<target_args>();
  add_target(cmd, *t);
  if (extra)
    extra(cmd);
  cmd->callback([&st, t, fill_extra, call, verb] {
    st.action = [&st, t, fill_extra, call, verb](client& c, output fmt) {
      Request req;
      fill_target(*t, st, *req.mutable_target());
      if (fill_extra)
        fill_extra(req);
      pb::IncidentResponse resp;
      auto ctx = c.context();
      auto status = call(c.incidents(), ctx.get(), req, &resp);
      return status.ok() ? show(resp, fmt, verb) : c.report(status);
    };
  });
}

void add_open(CLI::App* incident, cli_state& st) {
  auto* cmd = incident->add_subcommand("open", "open an incident by hand");
  auto a = std::make_shared<std::map<std::string, std::string>>();
  cmd->add_option("--title", (*a)["title"], "what is wrong")->required();
  cmd->add_option("--severity", (*a)["severity"])->required()->check(CLI::IsMember(severity_names()));
  cmd->add_option("--category", (*a)["category"])->check(CLI::IsMember(category_names()));
  cmd->add_option("--source", (*a)["source"], "default manual")->check(CLI::IsMember(source_names()));
  cmd->add_option("--source-id", (*a)["source_id"], "repeated opens with it fold into one incident");
  cmd->add_option("--trace-id", (*a)["trace_id"]);
  cmd->add_option("--artifact", (*a)["artifact"]);
  cmd->add_option("--agent", (*a)["agent"]);
  cmd->add_option("--skill", (*a)["skill"]);
  cmd->add_option("--by", (*a)["by"], "who opens it (default: $USER)");
  cmd->callback([&st, a] {
    st.action = [&st, a](client& c, output fmt) {
      auto& v = *a;
      pb::OpenIncidentRequest req;
      req.set_tenant(st.conn.tenant);
      req.set_title(v["title"]);
      req.set_severity(severity_of(v["severity"]));
      if (!v["category"].empty())
        req.set_category(category_of(v["category"]));
      if (!v["source"].empty())
        req.set_source(source_of(v["source"]));
      req.set_source_id(v["source_id"]);
      auto* attr = req.mutable_attribution();
      attr->set_trace_id(v["trace_id"]);
      attr->set_artifact_id(v["artifact"]);
      attr->set_agent_id(v["agent"]);
      attr->set_skill_id(v["skill"]);
      req.set_by(v["by"].empty() ? default_actor() : v["by"]);
      pb::IncidentResponse resp;
      auto ctx = c.context();
      auto status = c.incidents().Open(ctx.get(), req, &resp);
      return status.ok() ? show(resp, fmt, "opened") : c.report(status);
    };
  });
}

void add_get(CLI::App* incident, cli_state& st) {
  auto* cmd = incident->add_subcommand("get", "show an incident with its timeline");
  auto id = std::make_shared<std::string>();
  cmd->add_option("id", *id, "incident id")->required();
  cmd->callback([&st, id] {
    st.action = [&st, id](client& c, output fmt) {
      pb::GetIncidentRequest req;
      req.set_tenant(st.conn.tenant);
      req.set_id(*id);
      pb::GetIncidentResponse resp;
      auto ctx = c.context();
      auto status = c.incidents().Get(ctx.get(), req, &resp);
      if (!status.ok())
        return c.report(status);
      if (fmt == output::table)
        std::cout << incident_table(resp.incident(), {resp.timeline().begin(),
                                                      resp.timeline().end()});
      else
        print(to_json(resp), fmt);
      return 0;
    };
  });
}

struct list_args {
  std::string state, severity, source, category, trace_id, after, before, page_token;
  std::uint32_t limit = 0;
  bool all = false;
};

void add_list(CLI::App* incident, cli_state& st) {
  auto* cmd = incident->add_subcommand("list", "list the tenant's incidents, newest first");
  auto a = std::make_shared<list_args>();
  cmd->add_option("--state", a->state)->check(CLI::IsMember(status_names()));
  cmd->add_option("--severity", a->severity)->check(CLI::IsMember(severity_names()));
  cmd->add_option("--source", a->source)->check(CLI::IsMember(source_names()));
  cmd->add_option("--category", a->category)->check(CLI::IsMember(category_names()));
  cmd->add_option("--trace-id", a->trace_id, "attribution or exemplar trace id");
  auto is_time = CLI::Validator(
    [](std::string& s) {
      std::uint64_t t = 0;
      return parse_time(s, t) ? std::string{} : "expected RFC 3339 or an age like 15m, 2h, 7d";
    },
    "TIME");
  cmd->add_option("--opened-after", a->after, "RFC 3339 time or age (e.g. 2h)")->check(is_time);
  cmd->add_option("--opened-before", a->before, "RFC 3339 time or age")->check(is_time);
  cmd->add_option("--limit", a->limit, "page size (server default 100)")->check(CLI::Range(1, 1000));
  cmd->add_option("--page-token", a->page_token, "continue a previous listing");
  cmd->add_flag("--all", a->all, "follow every page");
  cmd->callback([&st, a] {
    st.action = [&st, a](client& c, output fmt) {
      pb::ListIncidentsRequest req;
      req.set_tenant(st.conn.tenant);
      if (!a->state.empty()) req.set_status(status_of(a->state));
      if (!a->severity.empty()) req.set_severity(severity_of(a->severity));
      if (!a->source.empty()) req.set_source(source_of(a->source));
      if (!a->category.empty()) req.set_category(category_of(a->category));
      req.set_trace_id(a->trace_id);
      std::uint64_t t = 0;
      if (!a->after.empty() && parse_time(a->after, t)) req.set_opened_after_unix_nano(t);
      if (!a->before.empty() && parse_time(a->before, t)) req.set_opened_before_unix_nano(t);
      req.set_page_size(a->limit);
      req.set_page_token(a->page_token);
      pb::ListIncidentsResponse all;
      for (;;) {
        pb::ListIncidentsResponse page;
        auto ctx = c.context();
        auto status = c.incidents().List(ctx.get(), req, &page);
        if (!status.ok())
          return c.report(status);
        all.mutable_incidents()->MergeFrom(page.incidents());
        all.set_next_page_token(page.next_page_token());
        if (!a->all || page.next_page_token().empty())
          break;
        req.set_page_token(page.next_page_token());
      }
      if (fmt != output::table) {
        print(to_json(all), fmt);
        return 0;
      }
      std::vector<std::vector<std::string>> rows = {
        {"ID", "STATE", "SEVERITY", "CATEGORY", "SOURCE", "OPENED", "VERSION", "TITLE"}};
      for (const auto& s : all.incidents())
        rows.push_back({s.id(), name_of(s.status()), name_of(s.severity()), name_of(s.category()),
                        name_of(s.source()), format_time(s.opened_at_unix_nano(), true),
                        std::to_string(s.version()), s.title()});
      std::cout << table(rows);
      if (!all.next_page_token().empty())
        std::cout << "more: --page-token " << all.next_page_token() << "\n";
      return 0;
    };
  });
}

} // namespace

std::string default_actor() {
  const char* user = std::getenv("USER");
  return user && *user ? user : "tocsinctl";
}

void add_incident_commands(CLI::App& app, cli_state& st) {
  auto* incident = app.add_subcommand("incident", "open, inspect and drive incidents");
  incident->require_subcommand(1);
  add_open(incident, st);
  add_get(incident, st);
  add_list(incident, st);
  using stub = pb::IncidentService::Stub;
  add_transition<pb::AcknowledgeRequest>(
    incident, st, "ack", "acknowledge (Open -> Acknowledged)", "acknowledged", nullptr, nullptr,
    [](stub& s, grpc::ClientContext* ctx, const pb::AcknowledgeRequest& r, pb::IncidentResponse* o) {
      return s.Acknowledge(ctx, r, o);
    });
  add_transition<pb::BeginInvestigationRequest>(
    incident, st, "investigate", "begin the investigation (Acknowledged -> Investigating)",
    "investigating", nullptr, nullptr,
    [](stub& s, grpc::ClientContext* ctx, const pb::BeginInvestigationRequest& r,
       pb::IncidentResponse* o) { return s.BeginInvestigation(ctx, r, o); });
  auto mitigation = std::make_shared<std::string>();
  add_transition<pb::MitigateRequest>(
    incident, st, "mitigate", "record a mitigation (Investigating -> Mitigated)", "mitigated",
    [mitigation](CLI::App* cmd) {
      cmd->add_option("-m,--mitigation", *mitigation, "what was done")->required();
    },
    [mitigation](pb::MitigateRequest& r) { r.set_mitigation(*mitigation); },
    [](stub& s, grpc::ClientContext* ctx, const pb::MitigateRequest& r, pb::IncidentResponse* o) {
      return s.Mitigate(ctx, r, o);
    });
  add_transition<pb::EscalateRequest>(
    incident, st, "escalate", "escalate by hand (Open/Investigating -> Escalated)", "escalated",
    nullptr, nullptr,
    [](stub& s, grpc::ClientContext* ctx, const pb::EscalateRequest& r, pb::IncidentResponse* o) {
      return s.Escalate(ctx, r, o);
    });
  add_transition<pb::EngageRequest>(
    incident, st, "engage", "on-call engaged (Escalated -> Investigating)", "engaged", nullptr,
    nullptr,
    [](stub& s, grpc::ClientContext* ctx, const pb::EngageRequest& r, pb::IncidentResponse* o) {
      return s.Engage(ctx, r, o);
    });
  auto root_cause = std::make_shared<std::string>();
  add_transition<pb::ResolveRequest>(
    incident, st, "resolve", "resolve with a root cause", "resolved",
    [root_cause](CLI::App* cmd) {
      cmd->add_option("-r,--root-cause", *root_cause, "why it happened (the server requires it)");
    },
    [root_cause](pb::ResolveRequest& r) { r.set_root_cause(*root_cause); },
    [](stub& s, grpc::ClientContext* ctx, const pb::ResolveRequest& r, pb::IncidentResponse* o) {
      return s.Resolve(ctx, r, o);
    });
  auto text = std::make_shared<std::string>();
  add_transition<pb::AddNoteRequest>(
    incident, st, "note", "add a note (any state, also after Resolved)", "noted",
    [text](CLI::App* cmd) { cmd->add_option("text", *text, "the note")->required(); },
    [text](pb::AddNoteRequest& r) { r.set_text(*text); },
    [](stub& s, grpc::ClientContext* ctx, const pb::AddNoteRequest& r, pb::IncidentResponse* o) {
      return s.AddNote(ctx, r, o);
    });
}

} // namespace tocsinctl
