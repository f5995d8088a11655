// webhook-sink: a real HTTP receiver for notifier tests and benchmarks. Answers every POST/PUT
// (any path) with a configurable status, optionally failing the first K requests or delaying
// answers, and logs each request as one JSON line. Single process; handlers run on a pool.
//
//   webhook-sink --port N (0: pick one and print "listening on PORT") --log FILE
//                [--status 200] [--fail-first K] [--always CODE] [--delay-ms D] [--threads T]
//
// Log line: {"time": RFC 3339 ms, "time_ns": epoch ns, "seq": n (1-based), "method", "path",
//            "headers": {name: value}, "body": raw body text, "answered": status}
// SIGTERM / SIGINT stop it cleanly (exit 0).
#include <CLI/CLI.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

namespace {

struct sink_options {
  int port = 0;
  std::string log_path;
  int status = 200;
  long fail_first = 0;
  int always = 0;
  int delay_ms = 0;
  std::size_t threads = 64;
};

std::string rfc3339_ms(std::chrono::system_clock::time_point tp) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch());
  const std::time_t secs = static_cast<std::time_t>(ms.count() / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms.count() % 1000));
  return buf;
}

class request_log {
public:
  explicit request_log(const std::string& path) {
    if (!path.empty())
      out_.open(path, std::ios::app);
  }
  bool ok(const std::string& path) const { return path.empty() || out_.is_open(); }
  // Flushed per line: tests read the file while the sink runs.
  void write(const nlohmann::json& line) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!out_.is_open())
      return;
    out_ << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out_.flush();
  }

  /// Flushes and closes; later writes are dropped (the process is about to exit).
  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    if (out_.is_open())
      out_.close();
  }

private:
  std::mutex mu_;
  std::ofstream out_;
};

int answer_for(const sink_options& o, long seq) {
  if (o.always != 0)
    return o.always;
  if (seq <= o.fail_first)
    return 500;
  return o.status;
}

void serve(httplib::Server& svr, const sink_options& o, request_log& log) {
  static std::atomic<long> seq{0};
  auto handler = [&o, &log](const httplib::Request& req, httplib::Response& res) {
    const auto now = std::chrono::system_clock::now();
    const long n = ++seq;
    const int status = answer_for(o, n);
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [k, v] : req.headers)
      headers[k] = v;
    log.write({{"time", rfc3339_ms(now)},
               {"time_ns", std::chrono::duration_cast<std::chrono::nanoseconds>(
                               now.time_since_epoch())
                               .count()},
               {"seq", n},
               {"method", req.method},
               {"path", req.path},
               {"headers", headers},
               {"body", req.body},
               {"answered", status}});
    if (o.delay_ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(o.delay_ms));
    res.status = status;
    res.set_content(status >= 200 && status < 300 ? "{\"ok\":true}" : "{\"ok\":false}",
                    "application/json");
  };
  svr.Post(".*", handler);
  svr.Put(".*", handler);
}

} // namespace

int main(int argc, char** argv) {
  sink_options o;
  CLI::App app{"webhook-sink: HTTP receiver for notifier tests and benchmarks"};
  app.add_option("--port", o.port, "port on 127.0.0.1; 0 picks a free one");
  app.add_option("--log", o.log_path, "append one JSON line per request to this file");
  app.add_option("--status", o.status, "status answered normally");
  app.add_option("--fail-first", o.fail_first, "answer 500 to the first K requests");
  app.add_option("--always", o.always, "answer this status to every request");
  app.add_option("--delay-ms", o.delay_ms, "wait this long before answering");
  app.add_option("--threads", o.threads, "handler threads (each keep-alive connection holds one)");
  CLI11_PARSE(app, argc, argv);

  // Signals are taken by a dedicated thread (sigwait): a handler may not call svr.stop().
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  request_log log(o.log_path);
  if (!log.ok(o.log_path)) {
    std::cerr << "webhook-sink: cannot open log " << o.log_path << "\n";
    return 1;
  }
  httplib::Server svr;
  const std::size_t threads = o.threads == 0 ? 1 : o.threads;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  // httplib writes status line, headers and body separately: without TCP_NODELAY, Nagle and
  // the client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
  svr.set_tcp_nodelay(true);
  svr.set_keep_alive_max_count(1'000'000);
  svr.set_keep_alive_timeout(30);
  serve(svr, o, log);

  int port = o.port;
  if (port == 0)
    port = svr.bind_to_any_port("127.0.0.1");
  else if (!svr.bind_to_port("127.0.0.1", port))
    port = -1;
  if (port <= 0) {
    std::cerr << "webhook-sink: cannot bind 127.0.0.1:" << o.port << "\n";
    return 1;
  }
  std::cout << "listening on " << port << std::endl;

  // httplib's listen joins its workers before returning, and a worker parks in a keep-alive
  // wait for up to the keep-alive timeout: so the stopper ends the process itself, once the
  // answers in progress had a moment and no log line is half written.
  static std::atomic<bool> stopping{false};
  std::thread stopper([&svr, &log, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    stopping = true;
    svr.stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    log.close();
    std::cout.flush();
    std::_Exit(0);
  });
  stopper.detach();
  svr.listen_after_bind();
  while (stopping) // the stopper exits the process (status 0)
    std::this_thread::sleep_for(std::chrono::seconds(1));
  return 1; // listen ended without a stop signal
}
