// Internal to api/otlp: what the three wire decoders share: the Resource (service.name,
// tenant.id) and the wording of decode errors. Called within one decode call, on its thread.
#pragma once

#include "api/otlp/wire_reader.hpp"
#include "domain/error.hpp"

#include <string>

namespace tocsin::api::otlp {

/// What a batch takes from its Resource.
struct resource_identity {
  std::string service; // attribute service.name
  std::string tenant;  // attribute tenant.id
};

/// Reads a Resource (the length-delimited field whose tag was just read) into `id`; a repeated
/// Resource merges, so later attributes overwrite earlier ones, as in the generated classes.
bool resource(wire::reader& r, resource_identity& id);

/// invalid_argument naming the request type and the first problem.
domain::error describe(const wire::failure& f, const char* request);

} // namespace tocsin::api::otlp
