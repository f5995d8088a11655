// Quality scores of artifacts, agents and skills, recomputed on every FeedbackItemCreated.
// Pure; one accumulator per (tenant, subject), owned by the feedback actor.
//
// Formula (0..100, 50 = no evidence either way):
//   each item i has a value v_i (negative 0, neutral 0.5, positive 1) and a weight
//     w_i = category_weight[cat_i] * 2^(-(now - created_at_i) / half_life)
//   score(now) = 100 * (prior * 0.5 + sum w_i v_i) / (prior + sum w_i)
// The prior acts as `prior` neutral items that never decay: one bad report moves a fresh subject
// from 50 to 100 * 1 / 3 = 33 (prior 2, weight 1), not to 0, and old evidence fades so a fixed
// artifact recovers. Sums are kept decayed to the latest item's time, so adding an item and
// reading the score are O(1) and the result does not depend on the order items were added in.
#pragma once

#include "domain/feedback.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tocsin::domain {

struct quality_config {
  timestamp half_life = 7 * 86400 * nanos_per_second; // ns
  double prior = 2;
  /// Indexed by domain::category: reliability, performance, cost, maintainability, correctness.
  std::array<double, 5> category_weight = {1.0, 1.0, 0.5, 0.5, 1.0};
};

enum class subject_kind : std::uint8_t { artifact, agent, skill };
std::string_view to_string(subject_kind k);
std::optional<subject_kind> parse_subject_kind(std::string_view s);

/// An accumulator's whole state, for persisting it (persistence/feedback_codec.hpp) and loading
/// it back at start.
struct quality_state {
  double weight = 0;
  double value = 0;
  timestamp at = 0;
  std::uint64_t negative = 0, neutral = 0, positive = 0;
  friend bool operator==(const quality_state& a, const quality_state& b) {
    return a.weight == b.weight && a.value == b.value && a.at == b.at &&
           a.negative == b.negative && a.neutral == b.neutral && a.positive == b.positive;
  }
};

class quality_accumulator {
public:
  quality_accumulator() = default;
  explicit quality_accumulator(const quality_state& s)
    : weight_(s.weight), value_(s.value), at_(s.at), negative_(s.negative), neutral_(s.neutral),
      positive_(s.positive) {}
  quality_state state() const { return {weight_, value_, at_, negative_, neutral_, positive_}; }

  void add(const feedback_item& it, const quality_config& cfg);
  /// The score at `now` (>= the latest item's time; earlier times are treated as that time).
  double score(timestamp now, const quality_config& cfg) const;
  std::uint64_t items() const { return negative_ + neutral_ + positive_; }
  std::uint64_t negative() const { return negative_; }
  std::uint64_t neutral() const { return neutral_; }
  std::uint64_t positive() const { return positive_; }
  timestamp last_at() const { return at_; }

private:
  double weight_ = 0; // sum of w_i, decayed to at_
  double value_ = 0;  // sum of w_i v_i, decayed to at_
  timestamp at_ = 0;
  std::uint64_t negative_ = 0, neutral_ = 0, positive_ = 0;
};

} // namespace tocsin::domain
