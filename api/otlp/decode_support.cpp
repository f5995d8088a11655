// Resource decoding and error wording shared by the OTLP wire decoders.
#include "api/otlp/decode_support.hpp"

#include "api/otlp/any_value.hpp"

namespace tocsin::api::otlp {

using namespace wire;

bool resource(reader& r, resource_identity& id) {
  std::string_view bytes;
  if (!r.view(bytes))
    return false;
  reader res(r, bytes);
  std::uint32_t t;
  while (res.next(t)) {
    if (t == tag(1, len)) { // attributes
      std::string_view kv, key;
      value_views vals;
      if (!res.view(kv) || !read_key_value(res, kv, key, vals))
        return false;
      std::string* slot = key == "service.name" ? &id.service
                          : key == "tenant.id"  ? &id.tenant
                                                : nullptr;
      if (slot && !render_value(res, vals, *slot))
        return false;
    } else if (!res.skip(t)) {
      return false;
    }
  }
  return !res.failed();
}

domain::error describe(const failure& f, const char* request) {
  std::string msg = std::string("malformed OTLP ") + request + ": ";
  if (!f.detail.empty())
    msg += f.detail;
  else
    msg += std::string(f.what) + " at byte " + std::to_string(f.at);
  return domain::make_error(domain::errc::invalid_argument, std::move(msg));
}

} // namespace tocsin::api::otlp
