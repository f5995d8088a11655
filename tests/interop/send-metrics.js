#!/usr/bin/env node
// Records a counter (checkout.requests, by outcome) and a histogram (checkout.duration, ms)
// through the official OpenTelemetry JS SDK (MeterProvider, PeriodicExportingMetricReader,
// OTLP/gRPC metrics exporter). Last stdout line: {"done": {...}}. Exit 1 when an export failed
// for good.
//
//   node send-metrics.js --endpoint 127.0.0.1:4317 --seconds 5 --temporality cumulative
'use strict';

const { parseArgs, meterProvider, pace, finish, runFor, runMain } = require('./common');

const opts = parseArgs(process.argv.slice(2), {
  service: 'checkout',
  rate: '20',                // recordings/s
  seconds: '5',              // 0: until SIGTERM
  interval: '500',           // export interval, ms
  temporality: 'cumulative', // or delta
});

async function main() {
  const tally = { ok: 0, failed: 0 };
  const provider = meterProvider(opts, tally);
  const meter = provider.getMeter('tocsin-interop', '1.0.0');
  const requests = meter.createCounter('checkout.requests', { description: 'checkout calls' });
  const duration = meter.createHistogram('checkout.duration', {
    description: 'checkout latency', unit: 'ms',
  });

  const stop = pace(Number(opts.rate), (n) => {
    const outcome = n % 10 === 9 ? 'error' : 'ok';
    requests.add(1, { 'http.route': '/checkout', outcome });
    duration.record(5 + (n % 50) * 3, { 'http.route': '/checkout' });
  });
  await runFor(opts.seconds);
  const recorded = stop();
  return finish(provider, tally, { recorded });
}

runMain(main);
