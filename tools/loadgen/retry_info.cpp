#include "retry_info.hpp"

#include "google/rpc/retry_info.pb.h"
#include "google/rpc/status.pb.h"

namespace tocsin::loadgen {

std::optional<std::chrono::milliseconds> retry_delay(std::string_view details) {
  google::rpc::Status status;
  if (details.empty() || !status.ParseFromArray(details.data(), static_cast<int>(details.size())))
    return std::nullopt;
  for (const auto& any : status.details()) {
    google::rpc::RetryInfo info;
    if (!any.Is<google::rpc::RetryInfo>() || !any.UnpackTo(&info) || !info.has_retry_delay())
      continue;
    const auto& d = info.retry_delay();
    if (d.seconds() < 0 || d.nanos() < 0)
      return std::nullopt;
    return std::chrono::milliseconds{d.seconds() * 1000 + d.nanos() / 1'000'000};
  }
  return std::nullopt;
}

} // namespace tocsin::loadgen
