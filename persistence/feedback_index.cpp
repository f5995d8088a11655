// Feedback indexes and reads: see feedback_index.hpp.
#include "persistence/feedback_index.hpp"

#include "persistence/feedback_codec.hpp"

#include <algorithm>

namespace tocsin::persistence {
namespace {

constexpr char nul = '\0';
constexpr std::size_t scan_batch = 256;

std::string newest_first(const domain::feedback_item& it) {
  return encode_u64(~static_cast<std::uint64_t>(it.created_at)) + it.id;
}

std::string tenant_prefix(const std::string& tenant) {
  std::string k = "Ft" + tenant;
  k.push_back(nul);
  return k;
}

std::string field_prefix(const std::string& tenant, std::string_view field,
                         const std::string& value) {
  std::string k = "Fx" + tenant;
  k.push_back(nul);
  k.append(field).push_back(nul);
  k.append(value).push_back(nul);
  return k;
}

std::string to_hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

std::optional<std::string> from_hex(const std::string& s) {
  auto val = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (s.size() % 2)
    return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < s.size(); i += 2) {
    const int hi = val(s[i]), lo = val(s[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

// The index the filter scans: the first attribution field set, else the tenant's time index.
std::string scan_prefix(const feedback_filter& f) {
  if (!f.trace_id.empty()) return field_prefix(f.tenant, "trace", f.trace_id);
  if (!f.artifact_id.empty()) return field_prefix(f.tenant, "artifact", f.artifact_id);
  if (!f.agent_id.empty()) return field_prefix(f.tenant, "agent", f.agent_id);
  if (!f.skill_id.empty()) return field_prefix(f.tenant, "skill", f.skill_id);
  return tenant_prefix(f.tenant);
}

bool matches(const feedback_filter& f, const domain::feedback_item& it) {
  auto same = [](const std::string& want, const std::string& have) {
    return want.empty() || want == have;
  };
  return it.tenant == f.tenant && same(f.trace_id, it.trace_id) &&
         same(f.artifact_id, it.artifact_id) && same(f.agent_id, it.agent_id) &&
         same(f.skill_id, it.skill_id) && (!f.cat || *f.cat == it.cat);
}

domain::result<std::optional<domain::feedback_item>> load(topic_log& topic,
                                                          const std::string& key) {
  auto rec = topic.find(key);
  if (!rec.ok())
    return rec.err();
  if (!*rec)
    return std::optional<domain::feedback_item>{};
  auto it = decode_feedback((*rec)->value);
  if (!it.ok())
    return it.err();
  return std::optional<domain::feedback_item>{std::move(*it)};
}

} // namespace

std::vector<kv_op> feedback_index_ops(const domain::feedback_item& it) {
  const std::string key = domain::feedback_key(it.tenant, it.source, it.source_id);
  const std::string suffix = newest_first(it);
  std::vector<kv_op> ops;
  ops.push_back({kv_db::topics, kv_op::put, "Fi" + it.id, key});
  ops.push_back({kv_db::topics, kv_op::put, tenant_prefix(it.tenant) + suffix, key});
  const std::pair<std::string_view, const std::string*> fields[] = {
    {"trace", &it.trace_id}, {"artifact", &it.artifact_id},
    {"agent", &it.agent_id}, {"skill", &it.skill_id}};
  for (const auto& [name, value] : fields)
    if (!value->empty())
      ops.push_back({kv_db::topics, kv_op::put, field_prefix(it.tenant, name, *value) + suffix, key});
  return ops;
}

std::string quality_prefix(const std::string& tenant) {
  std::string k = "Q" + tenant;
  if (!tenant.empty())
    k.push_back(nul);
  return k;
}

std::string quality_key(const std::string& tenant, domain::subject_kind kind,
                        const std::string& id) {
  std::string k = quality_prefix(tenant);
  if (tenant.empty())
    k.push_back(nul);
  k.append(domain::to_string(kind)).push_back(nul);
  k.append(id);
  return k;
}

std::optional<quality_subject> parse_quality_key(std::string_view key) {
  if (key.empty() || key[0] != 'Q')
    return std::nullopt;
  key.remove_prefix(1);
  const auto a = key.find(nul);
  if (a == std::string_view::npos)
    return std::nullopt;
  const auto b = key.find(nul, a + 1);
  if (b == std::string_view::npos)
    return std::nullopt;
  auto kind = domain::parse_subject_kind(key.substr(a + 1, b - a - 1));
  if (!kind)
    return std::nullopt;
  return quality_subject{std::string(key.substr(0, a)), *kind, std::string(key.substr(b + 1))};
}

domain::result<feedback_page> list_feedback(store& st, topic_log& topic,
                                            const feedback_filter& f) {
  if (f.tenant.empty())
    return domain::make_error(domain::errc::invalid_argument, "list feedback: tenant is required");
  const std::size_t page = f.page_size == 0 ? 100 : std::min<std::size_t>(f.page_size, 1000);
  const std::string prefix = scan_prefix(f);
  std::string from = prefix;
  if (!f.page_token.empty()) {
    auto tok = from_hex(f.page_token);
    if (!tok || tok->compare(0, prefix.size(), prefix) != 0)
      return domain::make_error(domain::errc::invalid_argument,
                                "list feedback: the page token belongs to another query");
    from = *tok;
  }
  feedback_page out;
  for (;;) {
    auto rows = st.scan(kv_db::topics, prefix, from, scan_batch);
    if (!rows.ok())
      return rows.err();
    for (auto& [k, key] : *rows) {
      auto it = load(topic, key);
      if (!it.ok())
        return it.err();
      if (!*it || !matches(f, **it))
        continue;
      if (out.items.size() == page) { // one more match: the next page starts here
        out.next_page_token = to_hex(k);
        return out;
      }
      out.items.push_back(std::move(**it));
    }
    if (rows->size() < scan_batch)
      return out;
    from = rows->back().first;
    from.push_back(nul);
  }
}

domain::result<std::optional<domain::feedback_item>> get_feedback(store& st, topic_log& topic,
                                                                  const std::string& id) {
  auto key = st.get(kv_db::topics, "Fi" + id);
  if (!key.ok())
    return key.err();
  if (!*key)
    return std::optional<domain::feedback_item>{};
  return load(topic, **key);
}

} // namespace tocsin::persistence
