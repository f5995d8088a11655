// tocsind: loads the config, opens the LMDB store, starts the actor engine, the aggregation, the
// OTLP receivers and the operator API and serves until SIGINT/SIGTERM, then stops in order (OTLP
// receivers, operator API, aggregation, cost detector, feedback service, engine, journal
// consumers, actor system, store). Exit codes: 0 clean stop, 1 start-up failure (store, engine,
// API address), 2 usage or configuration error.
#include "actors/engine.hpp"
#include "cli.hpp"
#include "config/config.hpp"
#include "daemon.hpp"
#include "persistence/store.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>

#include <pthread.h>

namespace {

using namespace tocsin;

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

// Blocked before any thread exists so every thread inherits the mask and the signals stay
// pending until main's sigwait picks them up: no work ever runs in a signal handler.
void block_stop_signals() {
  sigset_t set = stop_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int wait_for_stop_signal() {
  sigset_t set = stop_signals();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

void init_logging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("tocsind");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ %v");
  logger->set_level(spdlog::level::from_str(level));
  // Operators tail this stream and tests poll it: each line must be visible at once.
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

// Runs every component on an open store until a stop signal; returns the process exit code.
int serve(persistence::store& st, const config::tocsin_config& cfg) {
  actors::system_clock clock;
  caf::actor_system_config caf_cfg;
  // Deliberately no caf_cfg.parse(argc, argv): CAF would reject tocsind's own flags.
  actors::prepare_system_config(caf_cfg, cfg.scheduler);
  caf::actor_system system{caf_cfg};
  {
    tocsind::daemon d{st, cfg, system, clock};
    if (auto err = d.start(); err.code != domain::errc::ok) {
      spdlog::error("{}", err.message);
      return 1;
    }
    spdlog::info("tocsind ready: data_dir={} partitions={}", st.options().dir,
                 st.options().partitions);
    const int sig = wait_for_stop_signal();
    spdlog::info("shutting down (signal {})", sig == SIGINT ? "SIGINT" : "SIGTERM");
  } // d stops every component in order here, before the actor system goes
  return 0;
}

int run(const tocsind::cli_options& cli) {
  auto cfg = config::load_config(cli.config_path);
  if (!cfg) {
    std::fprintf(stderr, "tocsind: %s\n", cfg.err().message.c_str());
    return 2;
  }
  if (cli.data_dir)
    cfg->data_dir = *cli.data_dir;
  if (cli.log_level)
    cfg->log_level = *cli.log_level;
  cfg->store.dir = cfg->data_dir;
  init_logging(cfg->log_level);
  spdlog::info("tocsind starting: config={} data_dir={}", cli.config_path, cfg->data_dir);

  std::error_code ec;
  std::filesystem::create_directories(cfg->data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data directory {}: {}", cfg->data_dir, ec.message());
    return 1;
  }
  auto st = persistence::store::open(cfg->store);
  if (!st) {
    spdlog::error("cannot open store in {}: {}: {}", cfg->data_dir,
                  domain::to_string(st.err().code), st.err().message);
    return 1;
  }
  const int code = serve(**st, *cfg);
  (*st)->close();
  spdlog::info("stopped");
  return code;
}

} // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  auto cli = tocsind::parse_cli(argc, argv);
  if (cli.exit_code)
    return *cli.exit_code;
  try {
    return run(cli.options);
  } catch (const std::exception& e) {
    // Nothing is expected to throw; if something does, say so instead of std::terminate.
    std::fprintf(stderr, "tocsind: fatal: %s\n", e.what());
    return 1;
  }
}
