// The incident aggregate: the transition table of DESIGN.md §4 as one bit mask per state, decide
// (refuse with a specific errc, or yield events) and apply (fold events, never fail).
#include "domain/incident.hpp"

#include "domain/ulid.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <optional>

namespace tocsin::domain {
namespace {

using events = std::vector<incident_event>;

// The order of allowed_moves() and of refusal messages.
constexpr std::array<std::string_view, 9> verbs{"open",     "acknowledge", "investigate",
                                                "mitigate", "escalate",    "engage",
                                                "resolve",  "note",        "repeat"};

constexpr unsigned bit(std::string_view verb) {
  for (std::size_t i = 0; i < verbs.size(); ++i)
    if (verbs[i] == verb) return 1u << i;
  return 0;
}

constexpr unsigned bits(std::initializer_list<std::string_view> vs) {
  unsigned m = 0;
  for (auto v : vs) m |= bit(v);
  return m;
}

// Indexed by incident_status. Resolved keeps notes only (post-mortems); repeats of a Resolved
// incident's signal open a new incident instead, which is the caller's job.
constexpr std::array<unsigned, status_count> moves_by_status{
    bits({"acknowledge", "escalate", "resolve", "note", "repeat"}), // open
    bits({"investigate", "note", "repeat"}),                        // acknowledged
    bits({"mitigate", "escalate", "resolve", "note", "repeat"}),    // investigating
    bits({"resolve", "note", "repeat"}),                            // mitigated
    bits({"escalate", "engage", "note", "repeat"}),                 // escalated
    bits({"note"}),                                                 // resolved
};

unsigned moves_mask(const incident_state& s) {
  if (!s.exists()) return bit("open");
  return moves_by_status[static_cast<std::size_t>(s.status)];
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

std::string join_moves(const incident_state& s) {
  std::string out;
  for (auto v : allowed_moves(s)) out.append(out.empty() ? "" : ", ").append(v);
  return out.empty() ? "none" : out;
}

// "cannot <verb> incident <id>: [<detail>; ]it is <state>; allowed: <moves>"
error refuse(errc code, const incident_state& s, std::string_view verb, std::string_view detail,
             std::string_view id = {}) {
  if (id.empty()) id = s.id;
  std::string msg = "cannot " + std::string(verb) + " incident ";
  msg.append(id.empty() ? "(unknown id)" : id).append(": ");
  if (!detail.empty()) msg.append(detail).append("; ");
  if (s.exists()) msg.append("it is ").append(to_string(s.status));
  else msg.append("it does not exist");
  return make_error(code, msg + "; allowed: " + join_moves(s));
}

std::optional<error> check_move(const incident_state& s, std::string_view verb) {
  if (moves_mask(s) & bit(verb)) return std::nullopt;
  if (!s.exists()) return refuse(errc::not_found, s, verb, {});
  if (verb == "open") return refuse(errc::already_exists, s, verb, "the id is already taken");
  if (s.status == incident_status::resolved) return refuse(errc::incident_resolved, s, verb, {});
  return refuse(errc::invalid_transition, s, verb, {});
}

result<events> on(const incident_state& s, const open_incident& c, timestamp now) {
  auto id = parse_ulid(c.id);
  if (!id) return refuse(errc::invalid_argument, s, "open", id.err().message, c.id);
  if (is_blank(c.tenant))
    return refuse(errc::invalid_argument, s, "open", "tenant is required", c.id);
  if (is_blank(c.title))
    return refuse(errc::invalid_argument, s, "open", "title is required", c.id);
  events out{incident_opened{c.id, c.tenant, c.title, c.sev, c.source, c.source_id, c.cat, c.attr,
                             c.exemplars, c.by, now}};
  // Critical incidents page immediately: they never wait in Open for an acknowledgement.
  if (c.sev == severity::critical) {
    out.push_back(incident_escalated{escalation_reason::severity, c.by, now});
    if (c.severity_step) out.push_back(escalation_step_taken{*c.severity_step, now});
  }
  return out;
}

result<events> on(const incident_state&, const acknowledge& c, timestamp now) {
  return events{incident_acknowledged{c.by, now}};
}

result<events> on(const incident_state&, const begin_investigation& c, timestamp now) {
  return events{investigation_started{c.by, now}};
}

result<events> on(const incident_state& s, const apply_mitigation& c, timestamp now) {
  if (is_blank(c.mitigation))
    return refuse(errc::invalid_argument, s, "mitigate", "mitigation text is required");
  return events{mitigation_applied{c.mitigation, c.by, now}};
}

result<events> on(const incident_state& s, const escalate& c, timestamp now) {
  if (s.status == incident_status::escalated) {
    // Already escalated: the next policy step is recorded, the state stays put.
    escalation_step step = c.step.value_or(escalation_step{});
    if (!c.step) step.number = static_cast<std::uint32_t>(s.escalations.size() + 1);
    return events{escalation_step_taken{std::move(step), now}};
  }
  events out{incident_escalated{c.reason, c.by, now}};
  if (c.step) out.push_back(escalation_step_taken{*c.step, now});
  return out;
}

result<events> on(const incident_state&, const engage_on_call& c, timestamp now) {
  return events{on_call_engaged{c.by, now}};
}

result<events> on(const incident_state& s, const resolve& c, timestamp now) {
  if (is_blank(c.root_cause))
    return refuse(errc::root_cause_required, s, "resolve", "a root cause is required");
  return events{incident_resolved{c.root_cause, c.by, now}};
}

result<events> on(const incident_state& s, const add_note& c, timestamp now) {
  if (is_blank(c.text)) return refuse(errc::invalid_argument, s, "note", "note text is required");
  return events{note_added{c.text, c.by, now}};
}

result<events> on(const incident_state& s, const repeat_signal& c, timestamp now) {
  return events{signal_repeated{s.occurrences + 1, c.exemplars, now}};
}

void enter(incident_state& s, incident_status to, timestamp at) {
  s.status = to;
  s.entered_at[static_cast<std::size_t>(to)] = at;
}

bool same_sample(const exemplar& a, const exemplar& b) {
  return a.trace_id.empty() && a.span_id.empty() ? a == b
                                                 : a.trace_id == b.trace_id && a.span_id == b.span_id;
}

// The first exemplars are kept: they are the ones that explain why the incident opened. A repeat
// of an ongoing breach re-sends its window's exemplars; a sample already kept is not kept twice,
// so the slots go to new evidence.
void keep_exemplars(std::vector<exemplar>& kept, const std::vector<exemplar>& more) {
  for (const auto& e : more) {
    if (kept.size() >= max_exemplars) return;
    if (std::none_of(kept.begin(), kept.end(), [&](const exemplar& k) { return same_sample(k, e); }))
      kept.push_back(e);
  }
}

void fold(incident_state& s, const incident_opened& e) {
  s.id = e.id;
  s.tenant = e.tenant;
  s.title = e.title;
  s.sev = e.sev;
  s.source = e.source;
  s.source_id = e.source_id;
  s.cat = e.cat;
  s.attr = e.attr;
  s.exemplars.clear();
  keep_exemplars(s.exemplars, e.exemplars);
  s.occurrences = 1;
  s.last_seen = e.at;
  enter(s, incident_status::open, e.at);
}

void fold(incident_state& s, const incident_acknowledged& e) {
  enter(s, incident_status::acknowledged, e.at);
}
void fold(incident_state& s, const investigation_started& e) {
  enter(s, incident_status::investigating, e.at);
}
void fold(incident_state& s, const mitigation_applied& e) {
  s.mitigation = e.mitigation;
  enter(s, incident_status::mitigated, e.at);
}
void fold(incident_state& s, const incident_escalated& e) {
  s.last_escalation = e.reason;
  enter(s, incident_status::escalated, e.at);
}
void fold(incident_state& s, const escalation_step_taken& e) {
  s.escalations.push_back(escalation_record{s.last_escalation, e.step, e.at});
}
void fold(incident_state& s, const on_call_engaged& e) {
  enter(s, incident_status::investigating, e.at);
}
void fold(incident_state& s, const incident_resolved& e) {
  s.root_cause = e.root_cause;
  enter(s, incident_status::resolved, e.at);
}
void fold(incident_state& s, const note_added& e) { s.notes.push_back(note{e.text, e.by, e.at}); }
void fold(incident_state& s, const signal_repeated& e) {
  s.occurrences = e.occurrences;
  s.last_seen = e.at;
  keep_exemplars(s.exemplars, e.exemplars);
}

} // namespace

bool operator==(const incident_state& a, const incident_state& b) {
  return a.id == b.id && a.tenant == b.tenant && a.title == b.title && a.sev == b.sev
         && a.source == b.source && a.source_id == b.source_id && a.cat == b.cat
         && a.attr == b.attr && a.exemplars == b.exemplars && a.status == b.status
         && a.entered_at == b.entered_at && a.root_cause == b.root_cause
         && a.mitigation == b.mitigation && a.last_escalation == b.last_escalation
         && a.escalations == b.escalations && a.notes == b.notes
         && a.occurrences == b.occurrences && a.last_seen == b.last_seen
         && a.updated_at == b.updated_at && a.version == b.version;
}

std::vector<std::string_view> allowed_moves(const incident_state& s) {
  std::vector<std::string_view> out;
  auto mask = moves_mask(s);
  for (std::size_t i = 0; i < verbs.size(); ++i)
    if (mask & (1u << i)) out.push_back(verbs[i]);
  return out;
}

result<std::vector<incident_event>> decide(const incident_state& s, const incident_command& cmd,
                                           timestamp now) {
  if (auto refusal = check_move(s, command_name(cmd))) return *std::move(refusal);
  return std::visit([&](const auto& c) { return on(s, c, now); }, cmd);
}

incident_state apply(incident_state s, const incident_event& ev) {
  std::visit([&s](const auto& e) { fold(s, e); }, ev);
  s.updated_at = event_time(ev);
  s.version += 1;
  return s;
}

} // namespace tocsin::domain
