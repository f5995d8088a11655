// Shared by the interop scripts: command-line options and the OTLP/gRPC exporter settings.
// The scripts drive tocsind's OTLP receiver with the official OpenTelemetry JS SDK for
// tests/e2e/otlp_interop_test.cpp; they can also be run by hand against a local tocsind.
'use strict';

const grpc = require('@grpc/grpc-js');

// "--rate 20 --error-ratio 1" -> {rate: '20', errorRatio: '1'}; later flags win.
function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument: ${arg}`);
    const key = arg.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`unknown option: ${arg}`);
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

module.exports = { parseArgs, exporterConfig, countExports, sleep, runFor };
