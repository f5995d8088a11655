// tocsin-loadgen: an OTLP/gRPC trace load generator for Tocsin's receivers (and any OTLP
// server). Usage: tocsin-loadgen --help. Exit 0 when spans were accepted, 1 when none were,
// 2 on a usage error.
#include "driver.hpp"
#include "options.hpp"
#include "request_template.hpp"
#include "stats.hpp"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <exception>
#include <iostream>

namespace {

std::atomic<bool> interrupted{false};

extern "C" void on_signal(int) { interrupted.store(true); }

std::vector<tocsin::loadgen::request_template> build_templates(
  const tocsin::loadgen::options& o) {
  // One template per slot, up to 64: distinct services and ids; pacing and salts do the rest.
  const std::size_t n = std::min<std::size_t>(std::max<std::size_t>(o.concurrency,
                                                                    o.services.size()), 64);
  std::vector<tocsin::loadgen::request_template> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    tocsin::loadgen::template_shape shape;
    shape.spans = o.batch;
    shape.attributes = o.attributes;
    shape.error_ratio = o.error_ratio;
    shape.service = o.services[i % o.services.size()];
    shape.span_names = o.span_names;
    shape.tenant = o.tenant;
    shape.seed = i + 1;
    out.emplace_back(shape);
  }
  return out;
}

} // namespace

int main(int argc, char** argv) {
  using namespace tocsin::loadgen;
  options o;
  if (auto code = parse_cli(argc, argv, o))
    return *code;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  try {
    const auto templates = build_templates(o);
    live_counters live;
    run_result r;
    {
      std::unique_ptr<progress_printer> progress;
      if (!o.quiet)
        progress = std::make_unique<progress_printer>(live);
      r = run_load(o, templates, live, interrupted);
    }
    if (o.json)
      print_json(std::cout, o, r);
    else
      print_text(std::cout, o, r);
    return r.spans_accepted > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tocsin-loadgen: %s\n", e.what());
    return 1;
  }
}
