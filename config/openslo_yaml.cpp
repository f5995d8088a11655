// OpenSLO v1 loader: documents are indexed by kind and name first, so that an SLO may refer to
// SLI, AlertPolicy and AlertCondition documents anywhere in the file; then each SLO is read,
// and domain::validate's field paths are mapped back to the YAML key and line they came from.
#include "config/openslo_yaml.hpp"

#include "config/openslo_yaml_reader.hpp"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace tocsin::config {
namespace {

using namespace openslo;
using domain::measure;
using domain::series_kind;

// Referable documents by metadata.name: their spec and their name's field (for conditions).
struct library {
  std::map<std::string, std::pair<field, field>> slis, policies, conditions;
};

// The SLO as read so far, with where each domain field path came from.
struct reading {
  domain::slo_definition slo;
  std::map<std::string, field> origin;
};

enum class part { good, bad, total };

measure default_measure(series_kind k, part p) {
  if (k == series_kind::metric) return measure::sum;
  if (k == series_kind::log) return measure::count;
  return p == part::good ? measure::ok : p == part::bad ? measure::errors : measure::count;
}

domain::series_selector read_selector(const reader& r, const field& f, part p, reading& rd) {
  auto fs = r.fields(f, {"metricSource"});
  const field& src = r.need(fs, f, "metricSource");
  auto ms = r.fields(src, {"type", "spec", "metricSourceRef"});
  if (ms.count("metricSourceRef"))
    r.fail(ms.at("metricSourceRef"), "not supported: name the series inline");
  const field& type = r.need(ms, src, "type");
  if (r.text(type) != "tocsin") r.expected(type, "tocsin (the only metric source)");
  const field& spec = r.need(ms, src, "spec");
  auto ss = r.fields(spec, {"series", "service", "name", "kind", "level", "attributes", "measure"});
  const field& series = r.need(ss, spec, "series");
  auto kind = domain::parse_series_kind(r.text(series));
  if (!kind) r.expected(series, "span, metric or log");
  auto refuse = [&](const char* key) {
    if (ss.count(key))
      r.fail(ss.at(key), "does not apply to a " + std::string(to_string(*kind)) + " series");
  };
  const std::string service = ss.count("service") ? r.text(ss.at("service")) : rd.slo.service;
  domain::series_selector sel;
  switch (*kind) {
  case series_kind::span: {
    refuse("level");
    refuse("attributes");
    domain::span_kind_number sk = *domain::parse_span_kind("server");
    if (ss.count("kind")) {
      auto k = domain::parse_span_kind(r.text(ss.at("kind")));
      if (!k)
        r.expected(ss.at("kind"), "server, client, internal, producer, consumer or unspecified");
      sk = *k;
    }
    sel.key = domain::span_series(rd.slo.tenant, service, r.text(r.need(ss, spec, "name")), sk);
    break;
  }
  case series_kind::metric: {
    refuse("service");
    refuse("kind");
    refuse("level");
    domain::attribute_set attrs;
    if (ss.count("attributes")) {
      const field& af = ss.at("attributes");
      if (!af.value.IsMap()) r.expected(af, "a map of attribute: value");
      for (const auto& kv : af.value) {
        field v{af.key + "." + kv.first.Scalar(), kv.first.Mark(), kv.second};
        attrs.emplace_back(kv.first.Scalar(), r.text(v));
      }
    }
    sel.key = domain::metric_series(rd.slo.tenant, r.text(r.need(ss, spec, "name")), attrs);
    break;
  }
  case series_kind::log: {
    refuse("name");
    refuse("kind");
    refuse("attributes");
    const field& lf = r.need(ss, spec, "level");
    auto level = domain::parse_log_level(r.text(lf));
    if (!level) r.expected(lf, "trace, debug, info, warn, error or fatal");
    sel.key = domain::log_series(rd.slo.tenant, service, *level);
    break;
  }
  }
  sel.what = default_measure(*kind, p);
  if (ss.count("measure")) {
    auto m = domain::parse_measure(r.text(ss.at("measure")));
    if (!m) r.expected(ss.at("measure"), "count, errors, ok or sum");
    sel.what = *m;
  }
  const std::string path = p == part::good  ? "ratio.good"
                           : p == part::bad ? "ratio.bad"
                                            : "ratio.total";
  rd.origin[path] = f;
  rd.origin[path + ".measure"] = ss.count("measure") ? ss.at("measure") : series;
  return sel;
}

void read_sli(const reader& r, const field& spec, reading& rd) {
  auto fs = r.fields(spec, {"description", "thresholdMetric", "ratioMetric"});
  if (fs.count("thresholdMetric"))
    r.fail(fs.at("thresholdMetric"), "not supported: use a ratioMetric");
  const field& ratio = r.need(fs, spec, "ratioMetric");
  auto rs = r.fields(ratio, {"counter", "good", "bad", "total", "rawType", "raw"});
  for (const char* raw : {"raw", "rawType"})
    if (rs.count(raw)) r.fail(rs.at(raw), "not supported: count good or bad, and total");
  if (rs.count("counter") && !r.boolean(rs.at("counter")))
    r.fail(rs.at("counter"), "only counters are supported (budgeting counts occurrences)");
  if (rs.count("good") && rs.count("bad")) r.fail(rs.at("bad"), "give good or bad, not both");
  if (!rs.count("good") && !rs.count("bad")) r.fail(ratio, "good or bad: required");
  rd.origin["ratio"] = ratio;
  if (rs.count("good")) rd.slo.ratio.good = read_selector(r, rs.at("good"), part::good, rd);
  if (rs.count("bad")) rd.slo.ratio.bad = read_selector(r, rs.at("bad"), part::bad, rd);
  rd.slo.ratio.total = read_selector(r, r.need(rs, ratio, "total"), part::total, rd);
}

void read_condition(const reader& r, const field& spec, const field& name_field,
                    const field& item, reading& rd) {
  const std::string at = "conditions[" + std::to_string(rd.slo.conditions.size()) + "]";
  domain::alert_condition c;
  c.name = r.text(name_field);
  auto fs = r.fields(spec, {"description", "severity", "condition"});
  const field& sev = r.need(fs, spec, "severity");
  auto s = domain::parse_alert_severity(r.text(sev));
  if (!s) r.expected(sev, "page, ticket, critical, high, warning or info");
  c.severity = *s;
  const field& cond = r.need(fs, spec, "condition");
  auto cs =
      r.fields(cond, {"kind", "op", "threshold", "lookbackWindow", "alertAfter", "shortWindow"});
  const field& kind = r.need(cs, cond, "kind");
  if (r.text(kind) != "burnrate") r.expected(kind, "burnrate (the only condition kind)");
  if (cs.count("op") && r.text(cs.at("op")) != "gte")
    r.fail(cs.at("op"), "only gte is supported (fire when the burn rate reaches the threshold)");
  const field& threshold = r.need(cs, cond, "threshold");
  c.threshold = r.number(threshold);
  const field& long_w = r.need(cs, cond, "lookbackWindow");
  c.long_window = r.time(long_w);
  if (cs.count("shortWindow") && cs.count("alertAfter"))
    r.fail(cs.at("shortWindow"), "give shortWindow or alertAfter, not both");
  const field& short_w =
      cs.count("shortWindow") ? cs.at("shortWindow") : r.need(cs, cond, "alertAfter");
  c.short_window = r.time(short_w);
  rd.origin[at] = item;
  rd.origin[at + ".name"] = name_field;
  rd.origin[at + ".threshold"] = threshold;
  rd.origin[at + ".long_window"] = long_w;
  rd.origin[at + ".short_window"] = short_w;
  rd.slo.conditions.push_back(std::move(c));
}

// An inline {kind, metadata, spec} document or a reference into the library.
std::pair<field, field> inline_or_ref(const reader& r, const field& item, const char* kind,
                                      const char* ref_key,
                                      const std::map<std::string, std::pair<field, field>>& lib) {
  auto fs = r.fields(item, {"kind", "metadata", "spec", ref_key});
  if (fs.count(ref_key)) {
    const field& ref = fs.at(ref_key);
    auto it = lib.find(r.text(ref));
    if (it == lib.end())
      r.fail(ref, "no " + std::string(kind) + " named '" + r.text(ref) + "' in this file");
    return it->second;
  }
  if (fs.count("kind") && r.text(fs.at("kind")) != kind) r.expected(fs.at("kind"), kind);
  const field& meta = r.need(fs, item, "metadata");
  auto ms = r.fields(meta, {"name", "displayName", "labels", "annotations"});
  return {r.need(fs, item, "spec"), r.need(ms, meta, "name")};
}

void read_policy(const reader& r, const field& spec, const library& lib, reading& rd) {
  auto fs = r.fields(spec, {"description", "alertWhenNoData", "alertWhenResolved",
                            "alertWhenBreaching", "conditions", "notificationTargets"});
  for (const auto& item : r.items(r.need(fs, spec, "conditions"))) {
    auto [cspec, name] = inline_or_ref(r, item, "AlertCondition", "conditionRef", lib.conditions);
    read_condition(r, cspec, name, item, rd);
  }
}

void read_objectives(const reader& r, const field& f, reading& rd) {
  auto items = r.items(f);
  if (items.empty()) r.fail(f, "one objective is required");
  if (items.size() > 1) r.fail(items[1], "only one objective is supported");
  auto os = r.fields(items[0], {"displayName", "target", "targetPercent"});
  if (os.count("target") == os.count("targetPercent"))
    r.fail(items[0], "give target or targetPercent");
  const field& t = os.count("target") ? os.at("target") : os.at("targetPercent");
  const double scale = os.count("target") ? 1 : 100;
  rd.slo.target = r.number(t) / scale;
  if (!(rd.slo.target > 0 && rd.slo.target < 1))
    r.fail(t, scale == 1 ? "must be in (0, 1)" : "must be in (0, 100)");
  rd.origin["target"] = t;
}

void read_window(const reader& r, const field& f, reading& rd) {
  auto items = r.items(f);
  if (items.size() != 1) r.fail(f, "exactly one time window is supported");
  auto ws = r.fields(items[0], {"duration", "isRolling", "calendar"});
  if (ws.count("calendar")) r.fail(ws.at("calendar"), "calendar windows are not supported");
  if (ws.count("isRolling") && !r.boolean(ws.at("isRolling")))
    r.fail(ws.at("isRolling"), "only rolling windows are supported");
  const field& d = r.need(ws, items[0], "duration");
  rd.slo.window = r.time(d);
  rd.origin["window"] = d;
}

domain::slo_definition read_slo(const reader& r, const field& meta, const field& spec,
                                const library& lib, const std::string& tenant) {
  reading rd;
  auto ms = r.fields(meta, {"name", "displayName", "labels", "annotations"});
  rd.slo.id = r.text(r.need(ms, meta, "name"));
  rd.slo.name = ms.count("displayName") ? r.text(ms.at("displayName")) : rd.slo.id;
  rd.slo.tenant = tenant;
  rd.origin["id"] = rd.origin["tenant"] = ms.at("name");
  auto fs = r.fields(spec, {"description", "service", "indicator", "indicatorRef", "timeWindow",
                            "budgetingMethod", "objectives", "alertPolicies"});
  rd.slo.service = r.text(r.need(fs, spec, "service"));
  if (fs.count("description")) rd.slo.description = fs.at("description").value.as<std::string>("");
  if (fs.count("indicator") == fs.count("indicatorRef"))
    r.fail(spec, "give indicator or indicatorRef");
  if (fs.count("indicator")) {
    const field& ind = fs.at("indicator");
    auto is = r.fields(ind, {"metadata", "spec"});
    read_sli(r, r.need(is, ind, "spec"), rd);
  } else {
    const field& ref = fs.at("indicatorRef");
    auto it = lib.slis.find(r.text(ref));
    if (it == lib.slis.end()) r.fail(ref, "no SLI named '" + r.text(ref) + "' in this file");
    read_sli(r, it->second.first, rd);
  }
  read_window(r, r.need(fs, spec, "timeWindow"), rd);
  const field& budgeting = r.need(fs, spec, "budgetingMethod");
  if (r.text(budgeting) != "Occurrences") r.expected(budgeting, "Occurrences (the only method)");
  read_objectives(r, r.need(fs, spec, "objectives"), rd);
  if (fs.count("alertPolicies"))
    for (const auto& item : r.items(fs.at("alertPolicies")))
      read_policy(r, inline_or_ref(r, item, "AlertPolicy", "alertPolicyRef", lib.policies).first,
                  lib, rd);

  // Rules that need the whole definition: reported at the YAML key the field came from.
  const auto e = domain::validate(rd.slo);
  if (e.code == domain::errc::ok) return std::move(rd.slo);
  const auto colon = e.message.find(": ");
  std::string path = e.message.substr(0, colon);
  std::string rest;
  while (!rd.origin.count(path) && path.find('.') != std::string::npos) {
    rest = path.substr(path.rfind('.') + 1) + (rest.empty() ? "" : "." + rest);
    path = path.substr(0, path.rfind('.'));
  }
  const field& at = rd.origin.count(path) ? rd.origin.at(path) : meta;
  r.fail(at, (rest.empty() ? "" : rest + ": ") + e.message.substr(colon + 2));
}

domain::result<std::vector<domain::slo_definition>>
parse(std::string_view text, const std::string& name, const std::string& tenant) {
  reader r{name};
  try {
    library lib;
    std::vector<std::pair<field, field>> slos; // metadata, spec
    for (const auto& doc : YAML::LoadAll(std::string{text})) {
      if (doc.IsNull()) continue;
      field root{"", doc.Mark(), doc};
      auto fs = r.fields(root, {"apiVersion", "kind", "metadata", "spec"});
      const field& api = r.need(fs, root, "apiVersion");
      if (r.text(api) != "openslo/v1") r.expected(api, "openslo/v1");
      const field& kind = r.need(fs, root, "kind");
      const std::string k = r.text(kind);
      if (k == "Service" || k == "DataSource" || k == "AlertNotificationTarget") continue;
      const field& meta = r.need(fs, root, "metadata");
      const field& spec = r.need(fs, root, "spec");
      auto ms = r.fields(meta, {"name", "displayName", "labels", "annotations"});
      const field& doc_name = r.need(ms, meta, "name");
      auto* index = k == "SLI" ? &lib.slis : k == "AlertPolicy" ? &lib.policies
                    : k == "AlertCondition" ? &lib.conditions : nullptr;
      if (k == "SLO")
        slos.emplace_back(meta, spec);
      else if (!index)
        r.expected(kind, "SLO, SLI, AlertPolicy, AlertCondition, Service, DataSource or "
                         "AlertNotificationTarget");
      else if (!index->emplace(r.text(doc_name), std::make_pair(spec, doc_name)).second)
        r.fail(doc_name, "a " + k + " named '" + r.text(doc_name) + "' is defined twice");
    }
    if (slos.empty()) r.fail(YAML::Mark::null_mark(), "", "no document of kind SLO");
    std::vector<domain::slo_definition> out;
    for (const auto& [meta, spec] : slos) {
      out.push_back(read_slo(r, meta, spec, lib, tenant));
      for (std::size_t i = 0; i + 1 < out.size(); ++i)
        if (out[i].id == out.back().id)
          r.fail(meta.mark, "metadata.name", "SLO '" + out.back().id + "' is defined twice");
    }
    return out;
  } catch (const yaml::walk_error& e) {
    return domain::make_error(domain::errc::invalid_argument, e.message);
  } catch (const YAML::Exception& e) {
    std::ostringstream out;
    out << name;
    if (!e.mark.is_null()) out << ':' << e.mark.line + 1;
    out << ": " << e.msg;
    return domain::make_error(domain::errc::invalid_argument, out.str());
  }
}

} // namespace

domain::result<std::vector<domain::slo_definition>>
parse_openslo_text(std::string_view yaml, const std::string& name, const std::string& tenant) {
  return parse(yaml, name, tenant);
}

domain::result<std::vector<domain::slo_definition>>
load_openslo_file(const std::string& path, const std::string& tenant) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    const int err = errno;
    return domain::make_error(domain::errc::not_found,
                              path + ": cannot read SLO file: " + std::strerror(err));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path, tenant);
}

} // namespace tocsin::config
