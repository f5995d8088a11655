// The one error vocabulary of Tocsin: domain error codes plus a small result<T>. Pure.
// actors/ maps these to caf::error, api/ to grpc::Status (see DESIGN.md §9 for the mapping).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace tocsin::domain {

enum class errc : int {
  ok = 0,
  invalid_argument,    // a field is missing or malformed
  not_found,           // no such aggregate
  already_exists,      // open on an id that has events
  invalid_transition,  // command not allowed in the current state
  root_cause_required, // a move into Resolved without a root cause
  incident_resolved,   // Resolved incidents accept notes only
  version_conflict,    // optimistic concurrency: expected version is stale
  storage_full,        // LMDB map full: writes refused, reads go on
  storage_error,       // any other LMDB failure
  corrupt_record,      // a stored record could not be decoded (message names its key)
  overloaded,          // bounded queue full
  unavailable,         // shutting down / not started
};

std::string_view to_string(errc code);

struct error {
  errc code = errc::ok;
  std::string message;
};

/// Either a value or an error. Deliberately tiny: no exceptions cross layers.
template <class T>
class result {
public:
  result(T value) : v_(std::move(value)) {}
  result(error err) : v_(std::move(err)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const error& err() const { return std::get<1>(v_); }

private:
  std::variant<T, error> v_;
};

inline error make_error(errc code, std::string message) {
  return error{code, std::move(message)};
}

} // namespace tocsin::domain
