// Decoding runs on the caller's thread on the wire bytes (api/otlp fast decoder); the sink never
// blocks. Only refusals touch the store, and their answer waits for the dead letter to be
// durable so a client told "refused" can rely on the payload being kept.
#include "api/otlp_ingest.hpp"

#include "api/otlp/otlp_decode.hpp"
#include "api/otlp_dead_letter.hpp"

#include <map>
#include <memory>

namespace tocsin::api {

namespace {

struct tenant_choice {
  std::string tenant;
  std::string refusal; // non-empty: the caller may not send for this resource
};

tenant_choice tenant_of(const principal& who, const std::string& hint) {
  switch (who.type) {
    case principal::kind::anonymous:
      return {hint.empty() ? "default" : hint, {}};
    case principal::kind::tenant:
      return {who.name, {}}; // the token decides; a resource's tenant.id is not trusted
    case principal::kind::service:
      break;
  }
  if (!who.has_scope(scope::telemetry_write))
    return {{}, "this token lacks the scope telemetry:write"};
  if (hint.empty()) {
    if (who.tenants.size() == 1 && who.tenants[0] != "*")
      return {who.tenants[0], {}};
    return {{}, "this token spans several tenants: name one with the resource attribute "
                "tenant.id"};
  }
  if (!who.may_act_for(hint))
    return {{}, "tenant " + hint + " is not accessible with this token"};
  return {hint, {}};
}

std::uint64_t items_of(const domain::span_batch& b) { return b.spans.size(); }
std::uint64_t items_of(const domain::metric_batch& b) {
  return b.points.size() + b.unsupported_points;
}
std::uint64_t items_of(const domain::log_batch& b) { return b.records.size(); }

actors::ingest_outcome hand_over(actors::ingest_sink& sink, const std::string& tenant,
                                 std::vector<domain::span_batch> b) {
  return sink.spans(tenant, std::move(b));
}
actors::ingest_outcome hand_over(actors::ingest_sink& sink, const std::string& tenant,
                                 std::vector<domain::metric_batch> b) {
  return sink.metrics(tenant, std::move(b));
}
actors::ingest_outcome hand_over(actors::ingest_sink& sink, const std::string& tenant,
                                 std::vector<domain::log_batch> b) {
  return sink.logs(tenant, std::move(b));
}

template <class Batch>
domain::result<std::vector<Batch>> decode(std::string_view body, otlp_format f);
template <>
domain::result<std::vector<domain::span_batch>> decode(std::string_view body, otlp_format f) {
  return f == otlp_format::json ? otlp::decode_traces_json(body) : otlp::decode_traces(body);
}
template <>
domain::result<std::vector<domain::metric_batch>> decode(std::string_view body, otlp_format f) {
  return f == otlp_format::json ? otlp::decode_metrics_json(body) : otlp::decode_metrics(body);
}
template <>
domain::result<std::vector<domain::log_batch>> decode(std::string_view body, otlp_format f) {
  return f == otlp_format::json ? otlp::decode_logs_json(body) : otlp::decode_logs(body);
}

// Hands each tenant's batches to the sink (one call in the usual single-tenant case).
template <class Batch>
void ingest_grouped(actors::ingest_sink& sink, std::vector<std::string>& tenants,
                    std::vector<Batch> batches, otlp_result& res) {
  auto add = [&](const actors::ingest_outcome& o) {
    if (!o.ok()) {
      res.outcome = otlp_outcome::overloaded;
      res.retry_after_ms = std::max(res.retry_after_ms, o.retry_after_ms);
      return;
    }
    res.accepted += o.accepted;
    res.rejected += o.rejected;
    if (!o.rejected_reason.empty() && res.message.empty())
      res.message = o.rejected_reason;
  };
  bool single = true;
  for (const auto& t : tenants)
    single = single && t == tenants.front();
  if (single) {
    add(hand_over(sink, tenants.front(), std::move(batches)));
  } else {
    std::vector<std::string> order;
    std::map<std::string, std::vector<Batch>> by_tenant;
    for (std::size_t i = 0; i < batches.size(); ++i) {
      auto& group = by_tenant[tenants[i]];
      if (group.empty())
        order.push_back(tenants[i]);
      group.push_back(std::move(batches[i]));
    }
    // A later group may be refused as overloaded after earlier ones were taken: the client then
    // retries the whole request (dev mode and multi-tenant collectors only).
    for (const auto& t : order)
      add(hand_over(sink, t, std::move(by_tenant[t])));
  }
  if (res.outcome == otlp_outcome::overloaded)
    res.message = "ingest queues are full: retry after " + std::to_string(res.retry_after_ms)
                  + " ms";
}

template <class Batch>
otlp_result process_as(actors::ingest_sink& sink, const otlp_ingest_options& opts,
                       const principal& who, otlp_format format, std::string_view body) {
  otlp_result res;
  if (who.type == principal::kind::tenant)
    res.tenant = who.name; // known even when the payload cannot be read
  auto batches = decode<Batch>(body, format);
  if (!batches) {
    res.outcome = otlp_outcome::malformed;
    res.message = batches.err().message;
    return res;
  }
  std::vector<std::string> tenants;
  tenants.reserve(batches->size());
  std::map<std::string, bool> known; // one tenant_known call per tenant and request
  for (const auto& b : *batches) {
    res.items += items_of(b);
    auto choice = tenant_of(who, b.tenant_hint);
    if (!choice.refusal.empty()) {
      res.outcome = otlp_outcome::forbidden;
      res.message = std::move(choice.refusal);
      return res;
    }
    if (opts.require_known_tenant) {
      auto it = known.find(choice.tenant);
      if (it == known.end())
        it = known.emplace(choice.tenant, opts.tenant_known && opts.tenant_known(choice.tenant))
               .first;
      if (!it->second) {
        res.outcome = otlp_outcome::unknown_tenant;
        res.tenant = choice.tenant;
        res.message = "tenant " + choice.tenant + " is not known here (no escalation policy): "
                      "apply one, then replay the dead letter";
        return res;
      }
    }
    tenants.push_back(std::move(choice.tenant));
  }
  if (tenants.empty())
    return res; // an empty export request is valid and accepted
  res.tenant = tenants.front();
  ingest_grouped(sink, tenants, std::move(*batches), res);
  return res;
}

bool dead_letters_it(otlp_outcome o) {
  return o == otlp_outcome::malformed || o == otlp_outcome::unknown_tenant;
}

} // namespace

otlp_ingest::otlp_ingest(actors::ingest_sink& sink, persistence::store& st,
                         const domain::clock& clk, otlp_counters& counters,
                         otlp_ingest_options opts)
    : sink_(sink), store_(st), clock_(clk), counters_(counters), opts_(std::move(opts)) {}

otlp_result otlp_ingest::process(const principal& who, otlp_signal signal, otlp_format format,
                                 std::string_view body) {
  std::shared_lock<std::shared_mutex> lock(life_);
  if (stopped_) {
    otlp_result res;
    res.outcome = otlp_outcome::unavailable;
    res.message = "the OTLP receivers are shutting down";
    return res;
  }
  switch (signal) {
    case otlp_signal::traces:
      return process_as<domain::span_batch>(sink_, opts_, who, format, body);
    case otlp_signal::metrics:
      return process_as<domain::metric_batch>(sink_, opts_, who, format, body);
    case otlp_signal::logs:
      return process_as<domain::log_batch>(sink_, opts_, who, format, body);
  }
  return {};
}

void otlp_ingest::handle(const principal& who, const otlp_request& req,
                         std::function<void(otlp_result)> done) {
  auto res = process(who, req.signal, req.format, req.body);
  const auto t = req.transport;
  const auto s = req.signal;
  counters_.count(t, s, res.outcome);
  counters_.at(counters_.bytes, t, s).fetch_add(req.body.size(), std::memory_order_relaxed);
  counters_.at(counters_.received, t, s).fetch_add(res.items, std::memory_order_relaxed);
  counters_.at(counters_.accepted, t, s).fetch_add(res.accepted, std::memory_order_relaxed);
  counters_.at(counters_.rejected, t, s).fetch_add(res.rejected, std::memory_order_relaxed);
  if (!dead_letters_it(res.outcome)) {
    done(std::move(res));
    return;
  }
  dead_letter(who, req, std::move(res), std::move(done));
}

void otlp_ingest::handle_unreadable(const principal& who, const otlp_request& req,
                                    std::string message, std::function<void(otlp_result)> done) {
  otlp_result res;
  res.outcome = otlp_outcome::malformed;
  res.message = std::move(message);
  if (who.type == principal::kind::tenant)
    res.tenant = who.name;
  counters_.count(req.transport, req.signal, res.outcome);
  counters_.at(counters_.bytes, req.transport, req.signal).fetch_add(req.body.size());
  dead_letter(who, req, std::move(res), std::move(done));
}

void otlp_ingest::dead_letter(const principal& who, const otlp_request& req, otlp_result res,
                              std::function<void(otlp_result)> done) {
  const auto t = req.transport;
  const auto s = req.signal;
  const std::size_t size = req.body.size();
  if (backlog_.fetch_add(size) + size > opts_.max_dead_letter_backlog) {
    backlog_.fetch_sub(size);
    counters_.at(counters_.dead_letter_failed, t, s).fetch_add(1, std::memory_order_relaxed);
    res.message += " (not dead-lettered: too many dead letters are being written)";
    done(std::move(res));
    return;
  }
  otlp_envelope env;
  env.tenant = res.tenant;
  env.caller = who;
  env.receiver = std::string(to_string(t));
  env.signal = std::string(to_string(s));
  env.content_type = std::string(content_type_of(req.format));
  env.content_encoding = req.content_encoding;
  env.received_at = clock_.now();
  env.last_attempt_at = env.received_at;
  env.reason = std::string(to_string(res.outcome));
  env.last_error = res.message;
  const auto key = new_otlp_dead_letter_key(env.received_at);
  std::vector<persistence::kv_op> ops;
  ops.push_back({persistence::kv_db::dead_letters, persistence::kv_op::put, key,
                 encode_otlp_dead_letter(env, req.body)});
  auto* self = this;
  auto shared = std::make_shared<otlp_result>(std::move(res));
  store_.write(std::move(ops), [self, shared, done = std::move(done), key, t, s,
                                size](domain::error err) {
    self->backlog_.fetch_sub(size);
    if (err.code == domain::errc::ok) {
      self->counters_.at(self->counters_.dead_lettered, t, s).fetch_add(1);
      shared->message += " (dead letter " + key + ")";
    } else {
      self->counters_.at(self->counters_.dead_letter_failed, t, s).fetch_add(1);
      shared->message += " (not dead-lettered: " + err.message + ")";
    }
    done(std::move(*shared));
  });
}

void otlp_ingest::stop() {
  std::unique_lock<std::shared_mutex> lock(life_);
  stopped_ = true;
}

} // namespace tocsin::api
