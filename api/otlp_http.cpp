// OTLP/HTTP answers (OTLP spec, "OTLP/HTTP Response"): 200 with Export*ServiceResponse in the
// request's encoding (partial_success when items were rejected); errors carry a google.rpc.Status
// in the request's encoding (JSON when the content type itself was refused). Status codes:
// 400 malformed (dead-lettered), 401 bad token, 403 foreign tenant, 413 body above max_body,
// 415 content type or encoding not supported, 422 unknown tenant (dead-lettered; the request is
// well-formed but cannot be processed yet), 429 overloaded with Retry-After, 503 shutting down.
//
// httplib undoes gzip itself while the body is read; our receiver counts the decoded bytes and
// stops at max_body, so a small compressed bomb cannot inflate without bound. The body is always
// read (or skipped by httplib) before answering so a kept-alive connection stays in step.
#include "api/otlp_http.hpp"

#include "api/otlp_responses.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <future>
#include <thread>

namespace tocsin::api {

namespace {

// gRPC status code numbers for google.rpc.Status bodies.
constexpr int invalid_argument = 3, permission_denied = 7, resource_exhausted = 8,
              failed_precondition = 9, unavailable = 14, unauthenticated = 16;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "application/json; charset=utf-8" -> "application/json".
std::string media_type(const std::string& content_type) {
  auto s = lower(content_type.substr(0, content_type.find(';')));
  auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::optional<otlp_format> format_of(const httplib::Request& req) {
  auto m = media_type(req.get_header_value("Content-Type"));
  if (m == content_type_of(otlp_format::protobuf))
    return otlp_format::protobuf;
  if (m == content_type_of(otlp_format::json))
    return otlp_format::json;
  return std::nullopt;
}

struct refusal {
  int http = 400;
  int rpc = invalid_argument;
};

refusal refusal_of(otlp_outcome o) {
  switch (o) {
    case otlp_outcome::malformed: return {400, invalid_argument};
    case otlp_outcome::unknown_tenant: return {422, failed_precondition};
    case otlp_outcome::overloaded: return {429, resource_exhausted};
    case otlp_outcome::unauthenticated: return {401, unauthenticated};
    case otlp_outcome::forbidden: return {403, permission_denied};
    case otlp_outcome::too_large: return {413, resource_exhausted};
    case otlp_outcome::unsupported_media: return {415, invalid_argument};
    case otlp_outcome::unavailable: return {503, unavailable};
    case otlp_outcome::accepted: break;
  }
  return {500, 13};
}

void refuse(httplib::Response& res, otlp_outcome o, const std::string& message,
            otlp_format format, std::uint32_t retry_after_ms = 0) {
  auto r = refusal_of(o);
  res.status = r.http;
  if (o == otlp_outcome::overloaded) // whole seconds, rounded up, at least one
    res.set_header("Retry-After", std::to_string(std::max<std::uint32_t>(
                                    1, (retry_after_ms + 999) / 1000)));
  res.set_content(rpc_status_body(r.rpc, message, retry_after_ms, format),
                  std::string(content_type_of(format)));
}

struct body_read {
  std::string bytes;
  bool ok = true;
  bool too_large = false;
};

body_read read_body(const httplib::Request& req, const httplib::ContentReader& reader,
                    std::size_t max_body) {
  body_read b;
  if (req.has_header("Content-Length")) {
    auto declared = req.get_header_value<std::uint64_t>("Content-Length");
    if (declared <= max_body)
      b.bytes.reserve(declared); // before gzip is undone: a lower bound for compressed bodies
  }
  b.ok = reader([&](const char* data, std::size_t n) {
    if (b.bytes.size() + n > max_body) {
      b.too_large = true;
      return false;
    }
    b.bytes.append(data, n);
    return true;
  });
  return b;
}

} // namespace

bool split_listen(const std::string& listen, std::string& host, int& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 >= listen.size())
    return false;
  host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty())
    host = "0.0.0.0";
  auto digits = listen.substr(colon + 1);
  if (digits.size() > 5 || !std::all_of(digits.begin(), digits.end(), ::isdigit))
    return false;
  port = std::stoi(digits);
  return port <= 65535;
}

struct otlp_http_server::impl {
  httplib::Server server;
  std::thread thread;
  otlp_http_env env;
  std::size_t max_body = 0;
  int port = 0;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  void post_export(otlp_signal signal, const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader);
  void healthz(httplib::Response& res);
  void metrics(httplib::Response& res);
};

void otlp_http_server::impl::post_export(otlp_signal signal, const httplib::Request& req,
                                         httplib::Response& res,
                                         const httplib::ContentReader& reader) {
  const auto format = format_of(req);
  auto body = read_body(req, reader, max_body);
  const auto reply_format = format.value_or(otlp_format::json);
  auto count = [&](otlp_outcome o) { env.counters->count(otlp_transport::http, signal, o); };
  // Order: what the body's framing says first, then who sent it, then what it contains.
  if (body.too_large || (!body.ok && res.status == 413)) {
    count(otlp_outcome::too_large);
    return refuse(res, otlp_outcome::too_large,
                  "request body exceeds " + std::to_string(max_body) + " bytes", reply_format);
  }
  if (!body.ok && res.status == 415) {
    count(otlp_outcome::unsupported_media);
    return refuse(res, otlp_outcome::unsupported_media,
                  "unsupported Content-Encoding \"" + req.get_header_value("Content-Encoding")
                    + "\" (gzip or none)",
                  reply_format);
  }
  if (!format) {
    count(otlp_outcome::unsupported_media);
    return refuse(res, otlp_outcome::unsupported_media,
                  "unsupported Content-Type \"" + req.get_header_value("Content-Type")
                    + "\" (application/x-protobuf or application/json)",
                  reply_format);
  }
  std::optional<std::string_view> header;
  const auto authorization = req.get_header_value("Authorization");
  if (req.has_header("Authorization"))
    header = authorization;
  auto who = env.auth->authenticate(header);
  if (!who.ok()) {
    count(otlp_outcome::unauthenticated);
    return refuse(res, otlp_outcome::unauthenticated, who.error.message, *format);
  }
  otlp_request r;
  r.transport = otlp_transport::http;
  r.signal = signal;
  r.format = *format;
  r.content_encoding = lower(req.get_header_value("Content-Encoding"));
  r.body = body.bytes;
  std::promise<otlp_result> promise;
  auto answered = promise.get_future();
  auto done = [&promise](otlp_result out) { promise.set_value(std::move(out)); };
  if (!body.ok) // the transport's content decoding failed: the payload is unreadable
    env.ingest->handle_unreadable(*who.value, r,
                                  r.content_encoding.empty()
                                    ? "the request body could not be read"
                                    : "the " + r.content_encoding + " body could not be decoded",
                                  done);
  else
    env.ingest->handle(*who.value, r, done);
  auto out = answered.get(); // at most a group commit away (dead letters)
  if (out.outcome != otlp_outcome::accepted)
    return refuse(res, out.outcome, out.message, *format, out.retry_after_ms);
  res.status = 200;
  res.set_content(otlp_export_response(signal, out.rejected, out.message, *format),
                  std::string(content_type_of(*format)));
}

void otlp_http_server::impl::healthz(httplib::Response& res) {
  std::map<std::string, std::string> details = env.details;
  const bool healthy = !env.health || env.health(details);
  auto up = std::chrono::steady_clock::now() - started;
  nlohmann::json j = {{"status", healthy ? "ok" : "unavailable"},
                      {"uptime_s", std::chrono::duration_cast<std::chrono::seconds>(up).count()},
                      {"details", details}};
  res.status = healthy ? 200 : 503;
  res.set_content(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void otlp_http_server::impl::metrics(httplib::Response& res) {
  if (!env.metrics) {
    res.status = 404;
    res.set_content("no metrics registry\n", "text/plain");
    return;
  }
  res.status = 200;
  res.set_content(env.metrics->render(), std::string(metrics_registry::content_type));
}

otlp_http_server::otlp_http_server() : impl_(std::make_unique<impl>()) {}

otlp_http_server::~otlp_http_server() { stop(); }

int otlp_http_server::port() const { return impl_->thread.joinable() ? impl_->port : 0; }

domain::error otlp_http_server::start(const std::string& listen, std::size_t max_body,
                                      int threads, otlp_http_env env) {
  using domain::errc;
  std::string host;
  int port = 0;
  if (!split_listen(listen, host, port))
    return domain::make_error(errc::invalid_argument,
                              "otlp.http_listen: expected host:port, got \"" + listen + "\"");
  auto& m = *impl_;
  m.env = std::move(env);
  m.max_body = max_body;
  auto& s = m.server;
  const auto pool = static_cast<std::size_t>(std::max(1, threads));
  s.new_task_queue = [pool] { return new httplib::ThreadPool(pool); };
  // A body beyond it is skipped by httplib and answered 413 (checked again after gzip).
  s.set_payload_max_length(max_body);
  s.set_keep_alive_max_count(1000); // exporters reuse their connection
  auto* self = &m;
  for (auto [path, signal] : {std::pair{"/v1/traces", otlp_signal::traces},
                              std::pair{"/v1/metrics", otlp_signal::metrics},
                              std::pair{"/v1/logs", otlp_signal::logs}})
    s.Post(path, [self, signal = signal](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& reader) {
      self->post_export(signal, req, res, reader);
    });
  s.Get("/healthz", [self](const httplib::Request&, httplib::Response& res) { self->healthz(res); });
  s.Get("/metrics", [self](const httplib::Request&, httplib::Response& res) { self->metrics(res); });
  m.port = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
  if (m.port <= 0)
    return domain::make_error(errc::unavailable, "cannot listen on " + listen);
  m.thread = std::thread([self] { self->server.listen_after_bind(); });
  // stop() is a no-op until the server runs: wait for it so a quick stop cannot hang the join.
  for (int waited_ms = 0; !s.is_running() && waited_ms < 10'000; ++waited_ms)
    std::this_thread::sleep_for(std::chrono::milliseconds{1});
  return {};
}

void otlp_http_server::stop() {
  auto& m = *impl_;
  if (!m.thread.joinable())
    return;
  m.server.stop();
  m.thread.join(); // the pool's workers are joined by listen_after_bind on its way out
}

} // namespace tocsin::api
