// Replay of OTLP dead letters (otlp_ingest::replay): the stored payload goes through the same
// decode, tenant and ingest path as a live request; the dead letter is erased once accepted, or
// rewritten with attempts + 1 when it still fails. One replay per key at a time.
#include "api/otlp_dead_letter.hpp"
#include "api/otlp_ingest.hpp"

#include <optional>

namespace tocsin::api {

namespace {

std::optional<otlp_format> format_of(const std::string& content_type) {
  if (content_type == content_type_of(otlp_format::protobuf))
    return otlp_format::protobuf;
  if (content_type == content_type_of(otlp_format::json))
    return otlp_format::json;
  return std::nullopt;
}

} // namespace

void otlp_ingest::replay(const std::string& key,
                         std::function<void(dead_letter_replay_result)> done) {
  using st = dead_letter_replay_result::status;
  dead_letter_replay_result out;
  {
    std::lock_guard<std::mutex> guard(replay_mu_);
    if (!replaying_.insert(key).second) {
      out.st = st::busy;
      out.message = "a replay of " + key + " is in progress";
      done(std::move(out));
      return;
    }
  }
  auto fail = [&](st code, std::string message) {
    release(key);
    out.st = code;
    out.message = std::move(message);
    done(std::move(out));
  };
  auto got = store_.get(persistence::kv_db::dead_letters, key);
  if (!got)
    return fail(st::error, got.err().message);
  if (!*got)
    return fail(st::not_found, "dead letter " + key + " not found");
  auto dl = decode_otlp_dead_letter(**got);
  if (!dl)
    return fail(st::not_replayable, "replay applies to otlp dead letters");
  auto signal = parse_otlp_signal(dl->env.signal);
  auto format = format_of(dl->env.content_type);
  if (!signal || !format)
    return fail(st::not_replayable, "dead letter " + key + " names no known signal and format");
  auto res = process(dl->env.caller, *signal, *format, dl->payload);
  if (res.outcome == otlp_outcome::unavailable)
    return fail(st::unavailable, res.message);
  finish_replay(key, std::move(**got), std::move(res), std::move(done));
}

void otlp_ingest::finish_replay(const std::string& key, std::string value, otlp_result res,
                                std::function<void(dead_letter_replay_result)> done) {
  using st = dead_letter_replay_result::status;
  auto dl = decode_otlp_dead_letter(value); // checked by replay()
  dead_letter_replay_result out;
  out.tenant = res.tenant.empty() ? dl->env.tenant : res.tenant;
  out.signal = dl->env.signal;
  out.accepted = res.accepted;
  out.rejected = res.rejected;
  out.message = res.message;
  if (res.outcome == otlp_outcome::overloaded) {
    counters_.replay_overloaded.fetch_add(1);
    release(key);
    out.st = st::overloaded;
    out.retry_after_ms = res.retry_after_ms;
    done(std::move(out));
    return;
  }
  std::vector<persistence::kv_op> ops;
  if (res.outcome == otlp_outcome::accepted) {
    ops.push_back({persistence::kv_db::dead_letters, persistence::kv_op::erase, key, {}});
    out.st = st::replayed;
  } else {
    auto env = dl->env;
    env.attempts += 1;
    env.last_attempt_at = clock_.now();
    env.reason = std::string(to_string(res.outcome));
    env.last_error = res.message;
    if (!res.tenant.empty())
      env.tenant = res.tenant;
    ops.push_back({persistence::kv_db::dead_letters, persistence::kv_op::put, key,
                   encode_otlp_dead_letter(env, dl->payload)});
    out.st = st::still_failing;
    out.reason = env.reason;
  }
  auto* self = this;
  store_.write(std::move(ops), [self, key, out = std::move(out),
                                done = std::move(done)](domain::error err) mutable {
    self->release(key);
    if (err.code != domain::errc::ok) {
      // Replayed but not erased: a second replay would ingest the payload twice, so say so.
      out.message = (out.st == st::replayed ? "re-ingested, but the dead letter could not be "
                                              "erased: "
                                            : "the dead letter could not be updated: ")
                    + err.message;
      out.st = st::error;
    } else if (out.st == st::replayed) {
      self->counters_.replayed.fetch_add(1);
    } else {
      self->counters_.replay_failed.fetch_add(1);
    }
    done(std::move(out));
  });
}

void otlp_ingest::release(const std::string& key) {
  std::lock_guard<std::mutex> guard(replay_mu_);
  replaying_.erase(key);
}

} // namespace tocsin::api
