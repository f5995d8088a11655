// Retry delays of the webhook senders (notifier, topic relays): exponential backoff with full
// jitter, honouring a receiver's Retry-After. Pure apart from the caller's generator; any thread
// that owns `rng`.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>

namespace tocsin::actors {

/// U(0, min(max, base * 2^(attempts-1))): retries of many sends that failed together spread out
/// instead of hitting a recovering receiver at once. A Retry-After (seconds, 0 = none) raises
/// the delay to it, up to `max`.
std::chrono::milliseconds jittered_backoff(std::uint32_t attempts, std::chrono::milliseconds base,
                                           std::chrono::milliseconds max, long retry_after_s,
                                           std::mt19937_64& rng);

} // namespace tocsin::actors
