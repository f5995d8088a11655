#include "domain/quality.hpp"

#include <cmath>

namespace tocsin::domain {
namespace {

double decay(timestamp from, timestamp to, const quality_config& cfg) {
  if (to <= from || cfg.half_life <= 0)
    return 1;
  return std::exp2(-static_cast<double>(to - from) / static_cast<double>(cfg.half_life));
}

double value_of(sentiment s) {
  switch (s) {
    case sentiment::negative: return 0;
    case sentiment::neutral: return 0.5;
    case sentiment::positive: return 1;
  }
  return 0.5;
}

} // namespace

std::string_view to_string(subject_kind k) {
  switch (k) {
    case subject_kind::artifact: return "artifact";
    case subject_kind::agent: return "agent";
    case subject_kind::skill: return "skill";
  }
  return "artifact";
}

std::optional<subject_kind> parse_subject_kind(std::string_view s) {
  for (auto k : {subject_kind::artifact, subject_kind::agent, subject_kind::skill})
    if (to_string(k) == s)
      return k;
  return std::nullopt;
}

void quality_accumulator::add(const feedback_item& it, const quality_config& cfg) {
  double w = cfg.category_weight[static_cast<std::size_t>(it.cat)];
  if (it.created_at >= at_) { // the usual case: move the sums forward to the new item
    const double f = decay(at_, it.created_at, cfg);
    weight_ *= f;
    value_ *= f;
    at_ = it.created_at;
  } else { // an older item (redelivery order): decay it to the sums' time instead
    w *= decay(it.created_at, at_, cfg);
  }
  weight_ += w;
  value_ += w * value_of(it.sent);
  switch (it.sent) {
    case sentiment::negative: ++negative_; break;
    case sentiment::neutral: ++neutral_; break;
    case sentiment::positive: ++positive_; break;
  }
}

double quality_accumulator::score(timestamp now, const quality_config& cfg) const {
  const double f = decay(at_, now, cfg);
  return 100 * (cfg.prior * 0.5 + value_ * f) / (cfg.prior + weight_ * f);
}

} // namespace tocsin::domain
