#include "driver.hpp"

#include "retry_info.hpp"

#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <grpcpp/alarm.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <memory>
#include <optional>
#include <random>

namespace tocsin::loadgen {
namespace {

using clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

const std::string export_method = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
constexpr auto call_deadline = 30s;
constexpr auto backoff_base = 50ms;
constexpr auto backoff_max = 5s;
constexpr auto retry_delay_max = 30s;

std::uint64_t wall_now_ns() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::system_clock::now().time_since_epoch()).count());
}

const char* code_name(grpc::StatusCode c) {
  switch (c) {
  case grpc::OK: return "OK";
  case grpc::CANCELLED: return "CANCELLED";
  case grpc::UNKNOWN: return "UNKNOWN";
  case grpc::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
  case grpc::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
  case grpc::NOT_FOUND: return "NOT_FOUND";
  case grpc::ALREADY_EXISTS: return "ALREADY_EXISTS";
  case grpc::PERMISSION_DENIED: return "PERMISSION_DENIED";
  case grpc::UNAUTHENTICATED: return "UNAUTHENTICATED";
  case grpc::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
  case grpc::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
  case grpc::ABORTED: return "ABORTED";
  case grpc::OUT_OF_RANGE: return "OUT_OF_RANGE";
  case grpc::UNIMPLEMENTED: return "UNIMPLEMENTED";
  case grpc::INTERNAL: return "INTERNAL";
  case grpc::UNAVAILABLE: return "UNAVAILABLE";
  case grpc::DATA_LOSS: return "DATA_LOSS";
  default: return "UNKNOWN";
  }
}

struct slot;

// What a completion-queue tag means: a call's Finish, or an alarm (pacing delay or backoff).
struct cq_tag {
  enum class kind { finish, wake } what;
  slot* owner;
};

struct slot {
  const request_template* tmpl = nullptr;
  grpc::GenericStub* stub = nullptr;
  grpc::Slice payload; // the current request, kept for its retries
  std::unique_ptr<grpc::ClientContext> ctx;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::Alarm> alarm;
  clock::time_point attempt_start;
  std::uint32_t attempt = 0; // retries of the current request so far
  bool fresh_on_wake = true; // the pending alarm starts a new request (else it retries)
  bool busy = false;         // a call or an alarm is pending
  cq_tag finish_tag{cq_tag::kind::finish, this};
  cq_tag wake_tag{cq_tag::kind::wake, this};
};

class load_driver {
public:
  load_driver(const options& o, const std::vector<request_template>& templates,
              live_counters& live, const std::atomic<bool>& interrupted)
      : o_(o), live_(live), interrupted_(interrupted), slots_(o.concurrency) {
    for (std::uint32_t i = 0; i < o.connections; ++i) {
      grpc::ChannelArguments args;
      // Distinct arguments and a local pool: each channel gets a TCP connection of its own.
      args.SetInt("tocsin.loadgen.connection", static_cast<int>(i));
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      auto ch = grpc::CreateCustomChannel(o.endpoint, grpc::InsecureChannelCredentials(), args);
      stubs_.push_back(std::make_unique<grpc::GenericStub>(ch));
    }
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].tmpl = &templates[i % templates.size()];
      slots_[i].stub = stubs_[i % stubs_.size()].get();
    }
    result_.request_bytes = templates.front().size();
    result_.latency_us.reserve(1 << 16);
  }

  run_result run() {
    start_ = clock::now();
    end_ = start_ + o_.duration;
    pace_next_ = start_;
    for (auto& s : slots_)
      next_request(s);
    drive();
    result_.seconds = std::chrono::duration<double>(clock::now() - start_).count();
    cq_.Shutdown();
    void* tag;
    bool ok;
    while (cq_.Next(&tag, &ok)) {
    }
    return std::move(result_);
  }

private:
  void drive() {
    while (busy_ > 0) {
      void* tag = nullptr;
      bool ok = false;
      const auto r = cq_.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + 100ms);
      if (r == grpc::CompletionQueue::SHUTDOWN)
        return;
      if (!stopping_ && (clock::now() >= end_ || interrupted_.load()))
        begin_stop();
      if (r == grpc::CompletionQueue::GOT_EVENT)
        on_event(*static_cast<cq_tag*>(tag), ok);
    }
  }

  // No new requests nor retries; calls in flight finish, pending alarms are cancelled.
  void begin_stop() {
    stopping_ = true;
    for (auto& s : slots_)
      if (s.busy && !s.call && s.alarm)
        s.alarm->Cancel();
  }

  void on_event(cq_tag& t, bool ok) {
    slot& s = *t.owner;
    if (t.what == cq_tag::kind::finish) {
      live_.in_flight.fetch_sub(1, std::memory_order_relaxed);
      s.call.reset();
      on_finished(s);
      return;
    }
    s.alarm.reset();
    if (!ok || stopping_) { // cancelled at the end
      if (!s.fresh_on_wake)
        result_.spans_failed += s.tmpl->spans();
      set_idle(s);
    } else if (s.fresh_on_wake) {
      send_new(s);
    } else {
      attempt(s);
    }
  }

  void on_finished(slot& s) {
    const auto code = s.status.error_code();
    if (code == grpc::OK) {
      const auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock::now()
                                                                            - s.attempt_start);
      result_.latency_us.push_back(static_cast<std::uint32_t>(std::min<std::int64_t>(
        us.count(), std::numeric_limits<std::uint32_t>::max())));
      count_accepted(s);
      next_request(s);
    } else if (const auto delay = retry_delay_for(s)) {
      if (stopping_) { // would retry, but the run is over
        result_.spans_failed += s.tmpl->spans();
        return set_idle(s);
      }
      ++result_.retries;
      ++result_.retries_by_code[code_name(code)];
      live_.retries.fetch_add(1, std::memory_order_relaxed);
      s.fresh_on_wake = false;
      wake_after(s, *delay);
      ++s.attempt;
    } else {
      ++result_.errors;
      ++result_.errors_by_code[code_name(code)];
      live_.errors.fetch_add(1, std::memory_order_relaxed);
      result_.spans_failed += s.tmpl->spans();
      if (result_.first_error.empty())
        result_.first_error = std::string(code_name(code)) + ": " + s.status.error_message();
      next_request(s);
    }
  }

  void count_accepted(slot& s) {
    std::uint64_t rejected = 0;
    std::vector<grpc::Slice> slices;
    if (s.response.Dump(&slices).ok()) {
      std::string bytes;
      for (const auto& sl : slices)
        bytes.append(reinterpret_cast<const char*>(sl.begin()), sl.size());
      opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse resp;
      if (resp.ParseFromString(bytes) && resp.has_partial_success()) {
        rejected = static_cast<std::uint64_t>(std::max<std::int64_t>(
          0, resp.partial_success().rejected_spans()));
        if (result_.rejection_message.empty())
          result_.rejection_message = resp.partial_success().error_message();
      }
    }
    rejected = std::min<std::uint64_t>(rejected, s.tmpl->spans());
    result_.spans_rejected += rejected;
    result_.spans_accepted += s.tmpl->spans() - rejected;
    live_.spans_accepted.fetch_add(s.tmpl->spans() - rejected, std::memory_order_relaxed);
  }

  // As the OTLP spec has it: UNAVAILABLE is retried after a backoff, RESOURCE_EXHAUSTED only
  // when the server says recovery is possible with a RetryInfo (a request over the server's
  // size limit is RESOURCE_EXHAUSTED too, and would fail forever). nullopt: do not retry.
  std::optional<std::chrono::milliseconds> retry_delay_for(const slot& s) {
    const auto code = s.status.error_code();
    if (code != grpc::RESOURCE_EXHAUSTED && code != grpc::UNAVAILABLE)
      return std::nullopt;
    if (auto hinted = retry_delay(s.status.error_details()))
      return std::min<std::chrono::milliseconds>(*hinted, retry_delay_max);
    if (code == grpc::RESOURCE_EXHAUSTED)
      return std::nullopt;
    // Exponential with "equal jitter": half fixed, half random, so slots do not retry in step.
    const auto cap = std::min<std::chrono::milliseconds>(
      backoff_base * (1u << std::min<std::uint32_t>(s.attempt, 16)), backoff_max);
    std::uniform_int_distribution<std::int64_t> jitter(0, cap.count() / 2);
    return std::chrono::milliseconds{cap.count() / 2 + jitter(rng_)};
  }

  // Starts the slot's next request now, or at the paced time for --rate.
  void next_request(slot& s) {
    if (stopping_)
      return set_idle(s);
    mark_busy(s);
    s.attempt = 0;
    s.fresh_on_wake = true;
    if (o_.rate <= 0)
      return send_new(s);
    const auto now = clock::now();
    const auto at = std::max(now, pace_next_);
    pace_next_ = at + std::chrono::duration_cast<clock::duration>(
                        std::chrono::duration<double>(s.tmpl->spans() / o_.rate));
    if (at <= now)
      return send_new(s);
    wake_after(s, std::chrono::duration_cast<std::chrono::milliseconds>(at - now));
  }

  void send_new(slot& s) {
    grpc::Slice payload(s.tmpl->size());
    // A freshly allocated slice is ours alone until handed to gRPC: render into it in place.
    s.tmpl->render(seq_++, wall_now_ns(),
                   reinterpret_cast<char*>(const_cast<std::uint8_t*>(payload.begin())));
    s.payload = std::move(payload);
    ++result_.requests;
    result_.spans_sent += s.tmpl->spans();
    live_.requests.fetch_add(1, std::memory_order_relaxed);
    live_.spans_sent.fetch_add(s.tmpl->spans(), std::memory_order_relaxed);
    attempt(s);
  }

  void attempt(slot& s) {
    s.ctx = std::make_unique<grpc::ClientContext>();
    s.ctx->set_deadline(std::chrono::system_clock::now() + call_deadline);
    if (!o_.token.empty())
      s.ctx->AddMetadata("authorization", "Bearer " + o_.token);
    s.response.Clear();
    grpc::ByteBuffer request(&s.payload, 1);
    s.attempt_start = clock::now();
    s.call = s.stub->PrepareUnaryCall(s.ctx.get(), export_method, request, &cq_);
    s.call->StartCall();
    s.call->Finish(&s.response, &s.status, &s.finish_tag);
    live_.in_flight.fetch_add(1, std::memory_order_relaxed);
  }

  void wake_after(slot& s, std::chrono::milliseconds delay) {
    s.alarm = std::make_unique<grpc::Alarm>();
    s.alarm->Set(&cq_, std::chrono::system_clock::now() + delay, &s.wake_tag);
  }

  void mark_busy(slot& s) {
    if (!s.busy) {
      s.busy = true;
      ++busy_;
    }
  }

  void set_idle(slot& s) {
    if (s.busy) {
      s.busy = false;
      --busy_;
    }
  }

  const options& o_;
  live_counters& live_;
  const std::atomic<bool>& interrupted_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  grpc::CompletionQueue cq_; // outlives the slots' calls and alarms
  std::vector<slot> slots_;
  run_result result_;
  clock::time_point start_, end_, pace_next_;
  std::uint64_t seq_ = 1;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::mt19937_64 rng_{std::random_device{}()};
};

} // namespace

run_result run_load(const options& o, const std::vector<request_template>& templates,
                    live_counters& live, const std::atomic<bool>& interrupted) {
  return load_driver(o, templates, live, interrupted).run();
}

} // namespace tocsin::loadgen
