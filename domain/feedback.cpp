#include "domain/feedback.hpp"

#include "domain/stable_hash.hpp"

#include <array>
#include <cstdio>

namespace tocsin::domain {
namespace {

constexpr std::array<std::string_view, 3> source_names = {"incident", "signal", "cost"};
constexpr std::array<std::string_view, 3> sentiment_names = {"negative", "neutral", "positive"};
// Summaries travel in every delivery and list row; a log body can be megabytes.
constexpr std::size_t max_summary = 512;

std::string shorten(std::string s) {
  if (s.size() <= max_summary)
    return s;
  std::size_t cut = max_summary - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
    --cut; // never split a UTF-8 sequence
  s.resize(cut);
  return s + "...";
}

feedback_item make(const std::string& tenant, feedback_source src, std::string source_id,
                   timestamp now) {
  feedback_item it;
  it.id = feedback_id(tenant, src, source_id);
  it.tenant = tenant;
  it.source = src;
  it.source_id = std::move(source_id);
  it.created_at = now;
  return it;
}

// The category and sentiment words of a runtime signal; refused rather than guessed.
error classify(const std::string& cat_word, const std::string& sent_word, feedback_item& it) {
  auto cat = parse_category(cat_word);
  if (!cat)
    return make_error(errc::invalid_argument,
                      "feedback.category: '" + cat_word +
                        "' is not one of reliability, performance, cost, maintainability, "
                        "correctness");
  it.cat = *cat;
  if (sent_word.empty())
    return {};
  auto sent = parse_sentiment(sent_word);
  if (!sent)
    return make_error(errc::invalid_argument, "feedback.sentiment: '" + sent_word +
                                                "' is not one of negative, neutral, positive");
  it.sent = *sent;
  return {};
}

} // namespace

std::string_view to_string(feedback_source v) { return source_names[static_cast<int>(v)]; }
std::string_view to_string(sentiment v) { return sentiment_names[static_cast<int>(v)]; }

std::optional<feedback_source> parse_feedback_source(std::string_view s) {
  for (std::size_t i = 0; i < source_names.size(); ++i)
    if (source_names[i] == s)
      return static_cast<feedback_source>(i);
  return std::nullopt;
}

std::optional<sentiment> parse_sentiment(std::string_view s) {
  if (s == "-1")
    return sentiment::negative;
  if (s == "0")
    return sentiment::neutral;
  if (s == "1" || s == "+1")
    return sentiment::positive;
  for (std::size_t i = 0; i < sentiment_names.size(); ++i)
    if (sentiment_names[i] == s)
      return static_cast<sentiment>(i);
  return std::nullopt;
}

bool operator==(const feedback_item& a, const feedback_item& b) {
  return a.id == b.id && a.tenant == b.tenant && a.source == b.source &&
         a.source_id == b.source_id && a.cat == b.cat && a.sent == b.sent &&
         a.summary == b.summary && a.artifact_id == b.artifact_id && a.agent_id == b.agent_id &&
         a.skill_id == b.skill_id && a.trace_id == b.trace_id && a.created_at == b.created_at;
}

std::string feedback_key(const std::string& tenant, feedback_source source,
                         const std::string& source_id) {
  std::string out;
  out.reserve(tenant.size() + source_id.size() + 10);
  out.append(tenant).push_back('\0');
  out.append(to_string(source)).push_back('\0');
  out.append(source_id);
  return out;
}

std::string feedback_id(const std::string& tenant, feedback_source source,
                        const std::string& source_id) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "fb-%016llx",
                static_cast<unsigned long long>(fnv1a64(feedback_key(tenant, source, source_id))));
  return buf;
}

result<feedback_item> from_resolved_incident(const incident_state& s, timestamp now) {
  if (s.status != incident_status::resolved)
    return make_error(errc::invalid_argument,
                      "incident " + s.id + " is " + std::string(to_string(s.status)) +
                        ": feedback is created when it is resolved");
  auto it = make(s.tenant, feedback_source::incident, s.id, now);
  it.cat = s.cat;
  it.sent = sentiment::negative;
  it.summary = shorten(s.title + ": resolved, root cause: " + s.root_cause);
  it.artifact_id = s.attr.artifact_id;
  it.agent_id = s.attr.agent_id;
  it.skill_id = s.attr.skill_id;
  it.trace_id = s.attr.trace_id;
  for (const auto& x : s.exemplars) { // an SLO incident's attribution lives in its exemplars
    if (it.trace_id.empty()) it.trace_id = x.trace_id;
    if (it.artifact_id.empty()) it.artifact_id = x.artifact_id;
    if (it.agent_id.empty()) it.agent_id = x.agent_id;
    if (it.skill_id.empty()) it.skill_id = x.skill_id;
  }
  return it;
}

result<feedback_item> from_span_signal(const std::string& tenant, const span_record& span,
                                       timestamp now) {
  if (is_zero(span.trace_id) || is_zero(span.span_id))
    return make_error(errc::invalid_argument, "a feedback span needs a trace id and a span id");
  auto it = make(tenant, feedback_source::signal, to_hex(span.trace_id) + "/" + to_hex(span.span_id),
                 now);
  if (auto err = classify(span.feedback_category, span.feedback_sentiment, it);
      err.code != errc::ok)
    return err;
  it.summary = shorten(span.service_name + ": " + span.span_name);
  it.artifact_id = span.artifact_id;
  it.agent_id = span.agent_id;
  it.skill_id = span.skill_id;
  it.trace_id = to_hex(span.trace_id);
  return it;
}

result<feedback_item> from_log_signal(const std::string& tenant, const log_record& rec,
                                      timestamp now) {
  std::string source_id = rec.record_uid;
  if (source_id.empty() && !is_zero(rec.trace_id) && !is_zero(rec.span_id))
    source_id = to_hex(rec.trace_id) + "/" + to_hex(rec.span_id) + "/" +
                std::to_string(rec.time_unix_nano ? rec.time_unix_nano : rec.observed_unix_nano);
  if (source_id.empty())
    return make_error(errc::invalid_argument,
                      "a feedback log record needs log.record.uid or a trace and span id");
  auto it = make(tenant, feedback_source::signal, std::move(source_id), now);
  if (auto err = classify(rec.feedback_category, rec.feedback_sentiment, it);
      err.code != errc::ok)
    return err;
  it.summary = shorten(rec.service_name.empty() ? rec.body : rec.service_name + ": " + rec.body);
  it.artifact_id = rec.artifact_id;
  it.agent_id = rec.agent_id;
  it.skill_id = rec.skill_id;
  if (!is_zero(rec.trace_id))
    it.trace_id = to_hex(rec.trace_id);
  return it;
}

feedback_item from_error_fold(const std::string& tenant, const error_fold& f, timestamp now) {
  auto it = make(tenant, feedback_source::signal,
                 f.artifact_id + "@" + std::to_string(f.window_start), now);
  it.cat = category::reliability;
  it.sent = sentiment::negative;
  // calls == 0: the caller saw only the error spans (the feedback loop gets no others).
  it.summary = f.calls == 0 ? std::to_string(f.errors) + (f.errors == 1 ? " span" : " spans") +
                                " of artifact " + f.artifact_id + " failed"
                            : std::to_string(f.errors) + " of " + std::to_string(f.calls) +
                                " spans of artifact " + f.artifact_id + " failed";
  it.artifact_id = f.artifact_id;
  it.agent_id = f.agent_id;
  it.skill_id = f.skill_id;
  it.trace_id = f.trace_id;
  return it;
}

} // namespace tocsin::domain
