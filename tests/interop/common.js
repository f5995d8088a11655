// Shared by the interop scripts: command-line options, the OTLP/gRPC exporter settings, the
// resource and the metrics pipeline, steady pacing, and the flush-and-report ending every script
// has. The scripts drive tocsind's OTLP receiver with the official OpenTelemetry JS SDK for
// tests/e2e/otlp_interop_test.cpp and cost_interop_test.cpp (and tools/demo); they can also be
// run by hand against a local tocsind.
'use strict';

const grpc = require('@grpc/grpc-js');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions');

// Every script connects the same way (exporterConfig, resourceFor).
const connectionDefaults = {
  endpoint: '', // host:port or a port; else $TOCSIN_OTLP_ENDPOINT, else 127.0.0.1:4317
  token: '',    // names the tenant; else $TOCSIN_OTLP_TOKEN
  tenant: '',   // resource attribute tenant.id (dev mode, no token)
};

// "--rate 20 --error-ratio 1" -> {rate: '20', errorRatio: '1'}; later flags win. `defaults`
// names the script's own options; the connection options are always there.
function parseArgs(argv, defaults) {
  const out = { ...connectionDefaults, ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in out)) throw new Error(`unknown option: ${arg}`);
    if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
    out[key] = argv[++i];
  }
  return out;
}

// The receiver's address: --endpoint, else $TOCSIN_OTLP_ENDPOINT (host:port, or a port alone).
function endpointUrl(endpoint) {
  const e = endpoint || process.env.TOCSIN_OTLP_ENDPOINT || '127.0.0.1:4317';
  return 'http://' + (/^\d+$/.test(e) ? `127.0.0.1:${e}` : e);
}

// A bearer token (--token, else $TOCSIN_OTLP_TOKEN) names the tenant, as in production.
function exporterConfig(opts) {
  const metadata = new grpc.Metadata();
  const token = opts.token || process.env.TOCSIN_OTLP_TOKEN || '';
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return { url: endpointUrl(opts.endpoint), metadata, timeoutMillis: 10000 };
}

// Wraps exporter.export to count results; the SDK exporters retry RESOURCE_EXHAUSTED and
// UNAVAILABLE themselves, so a failure here is final.
function countExports(exporter, tally) {
  const original = exporter.export.bind(exporter);
  exporter.export = (items, done) => original(items, (result) => {
    if (result.code === 0) tally.ok++;
    else {
      tally.failed++;
      console.error(`export failed: ${result.error ? result.error.message : 'unknown error'}`);
    }
    done(result);
  });
  return exporter;
}

// service.name from --service; tenant.id from --tenant, which only counts in dev mode (no token).
function resourceFor(opts) {
  const attrs = { [ATTR_SERVICE_NAME]: opts.service };
  if (opts.tenant) attrs['tenant.id'] = opts.tenant;
  return resourceFromAttributes(attrs);
}

// A MeterProvider exporting every --interval ms over OTLP/gRPC with --temporality (cumulative,
// the SDK's default, or delta), its exports counted into `tally`. The metrics SDK is loaded here
// so the spans script does without it.
function meterProvider(opts, tally) {
  const { MeterProvider, PeriodicExportingMetricReader,
          AggregationTemporality } = require('@opentelemetry/sdk-metrics');
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
  const exporter = countExports(new OTLPMetricExporter({
    ...exporterConfig(opts),
    temporalityPreference: opts.temporality === 'delta' ? AggregationTemporality.DELTA
                                                        : AggregationTemporality.CUMULATIVE,
  }), tally);
  const reader = new PeriodicExportingMetricReader({
    exporter, exportIntervalMillis: Number(opts.interval),
    exportTimeoutMillis: Math.min(Number(opts.interval), 5000),
  });
  return new MeterProvider({ resource: resourceFor(opts), readers: [reader] });
}

// Calls emit(n) for n = 0, 1, ... at `rate` per second until the returned stop() is called;
// stop() returns how many were emitted. Paced by elapsed time, not by timer ticks, so a slow
// event loop catches up instead of lowering the rate.
function pace(rate, emit) {
  let n = 0;
  const start = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    while (n < due) emit(n++);
  }, 20);
  return () => {
    clearInterval(timer);
    return n;
  };
}

// Flushes and shuts `provider` down, prints the last line {"done": {...summary, exports_ok,
// exports_failed}} and resolves to the exit code: 1 when an export failed for good.
async function finish(provider, tally, summary) {
  try {
    await provider.forceFlush();
    await provider.shutdown();
  } catch (err) { // already counted (and printed) by countExports
    tally.failed = Math.max(tally.failed, 1);
  }
  console.log(JSON.stringify({ done: { ...summary, exports_ok: tally.ok,
                                       exports_failed: tally.failed } }));
  return tally.failed === 0 ? 0 : 1;
}

// Runs the script's async main and exits with its code (1 on an exception).
function runMain(main) {
  main().then((code) => process.exit(code), (err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Resolves after `seconds` (0: never), or on SIGTERM/SIGINT, whichever comes first.
function runFor(seconds) {
  return new Promise((resolve) => {
    const secs = Number(seconds);
    if (secs > 0) setTimeout(resolve, secs * 1000);
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
}

module.exports = {
  parseArgs, exporterConfig, countExports, resourceFor, meterProvider, pace, finish, runMain, sleep,
  runFor,
};
