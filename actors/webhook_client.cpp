// libcurl multi transfers and the HMAC body signature: see webhook_client.hpp.
#include "actors/webhook_client.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>
#include <unordered_map>

namespace tocsin::actors {
namespace {

using steady = std::chrono::steady_clock;

void global_init() {
  // curl_global_init is not thread-safe on every libcurl build: do it exactly once.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The response body is not used; dropping it keeps memory flat under a chatty receiver.
size_t discard(char*, size_t size, size_t nmemb, void*) {
  return size * nmemb;
}

// Errors no retry can fix: the request itself is unusable.
bool permanent_transport_error(CURLcode rc) {
  switch (rc) {
  case CURLE_UNSUPPORTED_PROTOCOL:
  case CURLE_URL_MALFORMAT:
  case CURLE_NOT_BUILT_IN:
  case CURLE_BAD_FUNCTION_ARGUMENT:
    return true;
  default:
    return false;
  }
}

struct transfer {
  std::uint64_t token = 0;
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string url;
  std::string body;
  steady::time_point started;
  char error[CURL_ERROR_SIZE] = {0};
};

} // namespace

struct webhook_client::impl {
  webhook_client_options opts;
  CURLM* multi = nullptr;
  std::vector<CURL*> idle; // reused easy handles: no per-request setup of a fresh handle
  std::unordered_map<CURL*, std::unique_ptr<transfer>> active;
  std::vector<webhook_result> early; // failed before reaching the network; out of next poll()

  void fail_early(std::uint64_t token, std::string why) {
    webhook_result r;
    r.token = token;
    r.error = std::move(why);
    early.push_back(std::move(r));
  }

  CURL* take_handle() {
    if (!idle.empty()) {
      CURL* h = idle.back();
      idle.pop_back();
      return h;
    }
    return curl_easy_init();
  }

  void release(std::unique_ptr<transfer> t) {
    curl_multi_remove_handle(multi, t->easy);
    curl_slist_free_all(t->headers);
    // Reset drops per-request options; live connections stay in the multi handle's cache.
    curl_easy_reset(t->easy);
    idle.push_back(t->easy);
  }

  void configure(transfer& t, std::chrono::milliseconds timeout) {
    CURL* h = t.easy;
    curl_easy_setopt(h, CURLOPT_URL, t.url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, t.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t.headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); // several threads: no SIGALRM-based timeouts
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); // a redirect is a misconfigured channel
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "tocsin-notifier/0.1");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t.error);
    curl_easy_setopt(h, CURLOPT_PRIVATE, &t);
  }

  webhook_result finish(CURL* h, CURLcode rc) {
    auto it = active.find(h);
    std::unique_ptr<transfer> t = std::move(it->second);
    active.erase(it);
    webhook_result r;
    r.token = t->token;
    r.latency_ms =
        std::chrono::duration<double, std::milli>(steady::now() - t->started).count();
    if (rc == CURLE_OK) {
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.http_status);
      curl_off_t retry_after = 0;
      if (curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK)
        r.retry_after_s = static_cast<long>(retry_after);
    } else {
      r.error = t->error[0] != '\0' ? std::string(t->error) : curl_easy_strerror(rc);
      r.transport_permanent = permanent_transport_error(rc);
    }
    release(std::move(t));
    return r;
  }

  void collect(std::vector<webhook_result>& out) {
    int left = 0;
    while (CURLMsg* m = curl_multi_info_read(multi, &left))
      if (m->msg == CURLMSG_DONE)
        out.push_back(finish(m->easy_handle, m->data.result));
  }
};

webhook_client::webhook_client(webhook_client_options opts) : impl_(std::make_unique<impl>()) {
  global_init();
  impl_->opts = opts;
  impl_->multi = curl_multi_init();
  if (impl_->multi == nullptr)
    return;
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, opts.max_host_connections);
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, opts.max_total_connections);
  curl_multi_setopt(impl_->multi, CURLMOPT_MAXCONNECTS, opts.max_total_connections);
}

webhook_client::~webhook_client() {
  abort_all();
  for (CURL* h : impl_->idle)
    curl_easy_cleanup(h);
  if (impl_->multi != nullptr)
    curl_multi_cleanup(impl_->multi);
}

bool webhook_client::ok() const {
  return impl_->multi != nullptr;
}

void webhook_client::submit(webhook_request req) {
  auto t = std::make_unique<transfer>();
  t->token = req.token;
  t->url = std::move(req.url);
  t->body = std::move(req.body);
  for (const auto& h : req.headers)
    t->headers = curl_slist_append(t->headers, h.c_str());
  // curl would otherwise send "Expect: 100-continue" for larger bodies and wait for an answer.
  t->headers = curl_slist_append(t->headers, "Expect:");
  t->started = steady::now();
  t->easy = impl_->multi != nullptr ? impl_->take_handle() : nullptr;
  if (t->easy == nullptr) {
    curl_slist_free_all(t->headers);
    impl_->fail_early(t->token, "libcurl could not create a transfer");
    return;
  }
  impl_->configure(*t, req.timeout);
  CURL* h = t->easy;
  auto* raw = t.get();
  impl_->active.emplace(h, std::move(t));
  if (curl_multi_add_handle(impl_->multi, h) != CURLM_OK) {
    const std::uint64_t token = raw->token;
    auto it = impl_->active.find(h);
    impl_->release(std::move(it->second));
    impl_->active.erase(it);
    impl_->fail_early(token, "curl_multi_add_handle failed");
  }
}

std::vector<webhook_result> webhook_client::poll(std::chrono::milliseconds timeout) {
  std::vector<webhook_result> out = std::move(impl_->early);
  impl_->early.clear();
  if (impl_->multi == nullptr || !out.empty()) {
    if (impl_->multi != nullptr) {
      int running = 0;
      curl_multi_perform(impl_->multi, &running);
      impl_->collect(out);
    }
    return out;
  }
  int running = 0;
  curl_multi_perform(impl_->multi, &running);
  impl_->collect(out);
  if (!out.empty())
    return out;
  curl_multi_poll(impl_->multi, nullptr, 0, static_cast<int>(timeout.count()), nullptr);
  curl_multi_perform(impl_->multi, &running);
  impl_->collect(out);
  return out;
}

void webhook_client::wakeup() {
  if (impl_->multi != nullptr)
    curl_multi_wakeup(impl_->multi);
}

std::size_t webhook_client::in_flight() const {
  return impl_->active.size() + impl_->early.size();
}

void webhook_client::abort_all() {
  auto active = std::move(impl_->active);
  impl_->active.clear();
  impl_->early.clear();
  for (auto& [h, t] : active)
    impl_->release(std::move(t));
}

std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out += digits[mac[i] >> 4];
    out += digits[mac[i] & 0x0F];
  }
  return out;
}

} // namespace tocsin::actors
