// Text renderings: times, tables and a small YAML emitter (block style; every string that YAML
// could read as something else is double-quoted with JSON escaping, which YAML accepts).
#include "render.hpp"

#include <cstdio>
#include <ctime>
#include <iostream>

namespace tocsinctl {

std::string format_time(std::uint64_t unix_nano, bool millis) {
  if (unix_nano == 0)
    return "";
  std::time_t secs = static_cast<std::time_t>(unix_nano / 1'000'000'000ULL);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  if (millis)
    std::snprintf(frac, sizeof frac, ".%03uZ",
                  static_cast<unsigned>((unix_nano % 1'000'000'000ULL) / 1'000'000ULL));
  else
    std::snprintf(frac, sizeof frac, ".%09uZ",
                  static_cast<unsigned>(unix_nano % 1'000'000'000ULL));
  return std::string{buf} + frac;
}

bool parse_time(const std::string& text, std::uint64_t& unix_nano) {
  if (text.empty())
    return false;
  const char unit = text.back();
  const std::string digits = text.substr(0, text.size() - 1);
  const bool relative = !digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos;
  if (relative && (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd')) {
    std::uint64_t n = std::stoull(digits);
    std::uint64_t secs = unit == 's' ? n : unit == 'm' ? n * 60 : unit == 'h' ? n * 3600 : n * 86400;
    auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
    unix_nano = static_cast<std::uint64_t>(now) - secs * 1'000'000'000ULL;
    return true;
  }
  std::tm tm{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest)
    return false;
  std::uint64_t nanos = 0;
  if (*rest == '.') {
    ++rest;
    std::uint64_t scale = 100'000'000ULL;
    while (*rest >= '0' && *rest <= '9') {
      nanos += static_cast<std::uint64_t>(*rest - '0') * scale;
      scale /= 10;
      ++rest;
    }
  }
  if (std::string{rest} != "Z" && std::string{rest} != "")
    return false;
  unix_nano = static_cast<std::uint64_t>(timegm(&tm)) * 1'000'000'000ULL + nanos;
  return true;
}

namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty())
    return true;
  static const char* specials[] = {"true", "false", "yes", "no", "null", "on", "off", "~"};
  for (const char* w : specials)
    if (s == w)
      return true;
  if (s.find_first_not_of("0123456789.-+eE") == std::string::npos)
    return true; // would read as a number
  if (s.find_first_of(":#{}[],&*!|>'\"%@`\n\t") != std::string::npos)
    return true;
  return s.front() == ' ' || s.back() == ' ' || s.front() == '-' || s.front() == '?';
}

std::string scalar(const json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    return needs_quotes(s) ? j.dump() : s;
  }
  return j.dump();
}

void emit(const json& j, int indent, std::string& out);

void emit_entry(const json& v, int indent, std::string& out) {
  if (v.is_object() && !v.empty()) {
    out += "\n";
    emit(v, indent + 2, out);
  } else if (v.is_array() && !v.empty()) {
    out += "\n";
    emit(v, indent, out);
  } else if (v.is_object()) {
    out += " {}\n";
  } else if (v.is_array()) {
    out += " []\n";
  } else {
    out += " " + scalar(v) + "\n";
  }
}

void emit(const json& j, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      out += pad + (needs_quotes(it.key()) ? json(it.key()).dump() : it.key()) + ":";
      emit_entry(it.value(), indent, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (v.is_object() && !v.empty()) {
        // First key on the dash line, the rest aligned under it.
        std::string inner;
        emit(v, indent + 2, inner);
        out += pad + "- " + inner.substr(static_cast<std::size_t>(indent) + 2);
      } else if (v.is_array() && !v.empty()) {
        out += pad + "-\n";
        emit(v, indent + 2, out);
      } else {
        out += pad + "- " + (v.is_object() ? "{}" : v.is_array() ? "[]" : scalar(v)) + "\n";
      }
    }
  } else {
    out += pad + scalar(j) + "\n";
  }
}

} // namespace

std::string to_yaml(const json& j) {
  std::string out;
  emit(j, 0, out);
  return out;
}

std::string table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width;
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i)
        width.push_back(0);
      width[i] = std::max(width[i], r[i].size());
    }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (std::size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size())
        line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ')
      line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string incident_table(const pb::Incident& inc,
                           const std::vector<pb::TimelineEntry>& timeline) {
  std::string moves;
  for (const auto& m : inc.allowed_moves())
    moves += (moves.empty() ? "" : ", ") + m;
  std::vector<std::vector<std::string>> fields = {
    {"ID:", inc.id()},
    {"Tenant:", inc.tenant()},
    {"Title:", inc.title()},
    {"State:", name_of(inc.status())},
    {"Severity:", name_of(inc.severity())},
    {"Category:", name_of(inc.category())},
    {"Source:", name_of(inc.source()) + (inc.source_id().empty() ? "" : " " + inc.source_id())},
    {"Opened:", format_time(inc.opened_at_unix_nano(), true)},
    {"Updated:", format_time(inc.updated_at_unix_nano(), true)},
    {"Version:", std::to_string(inc.version())},
    {"Allowed:", moves},
  };
  if (!inc.attribution().trace_id().empty())
    fields.push_back({"Trace:", inc.attribution().trace_id()});
  if (!inc.mitigation().empty())
    fields.push_back({"Mitigation:", inc.mitigation()});
  if (!inc.root_cause().empty())
    fields.push_back({"Root cause:", inc.root_cause()});
  if (inc.occurrences() > 1)
    fields.push_back({"Occurrences:", std::to_string(inc.occurrences())});
  for (const auto& x : inc.exemplars())
    fields.push_back({"Exemplar:", "trace " + x.trace_id() + " span " + x.span_id()});
  std::string out = table(fields) + "\nTimeline:\n";
  std::vector<std::vector<std::string>> rows = {{"TIME", "EVENT", "BY", "DETAILS"}};
  for (const auto& t : timeline)
    rows.push_back({format_time(t.at_unix_nano(), true), t.type(), t.by(), t.details()});
  return out + table(rows);
}

void print(const json& j, output fmt) {
  if (fmt == output::yaml)
    std::cout << to_yaml(j);
  else
    std::cout << j.dump(2) << "\n";
  std::cout.flush();
}

} // namespace tocsinctl
