#!/usr/bin/env node
// Records a counter (checkout.requests, by outcome) and a histogram (checkout.duration, ms)
// through the official OpenTelemetry JS SDK (MeterProvider, PeriodicExportingMetricReader,
// OTLP/gRPC metrics exporter). Last stdout line: {"done": {...}}. Exit 1 when an export failed
// for good.
//
//   node send-metrics.js --endpoint 127.0.0.1:4317 --seconds 5 --temporality cumulative
'use strict';

const { MeterProvider, PeriodicExportingMetricReader,
        AggregationTemporality } = require('@opentelemetry/sdk-metrics');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-grpc');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions');
const { parseArgs, exporterConfig, countExports, runFor } = require('./common');

const opts = parseArgs(process.argv.slice(2), {
  endpoint: '',
  token: '',
  tenant: '',
  service: 'checkout',
  rate: '20',                // recordings/s
  seconds: '5',              // 0: until SIGTERM
  interval: '500',           // export interval, ms
  temporality: 'cumulative', // or delta
});

async function main() {
  const resourceAttrs = { [ATTR_SERVICE_NAME]: opts.service };
  if (opts.tenant) resourceAttrs['tenant.id'] = opts.tenant;
  const tally = { ok: 0, failed: 0 };
  const exporter = countExports(new OTLPMetricExporter({
    ...exporterConfig(opts),
    temporalityPreference: opts.temporality === 'delta' ? AggregationTemporality.DELTA
                                                        : AggregationTemporality.CUMULATIVE,
  }), tally);
  const reader = new PeriodicExportingMetricReader({
    exporter, exportIntervalMillis: Number(opts.interval),
    exportTimeoutMillis: Math.min(Number(opts.interval), 5000),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(resourceAttrs), readers: [reader],
  });
  const meter = provider.getMeter('tocsin-interop', '1.0.0');
  const requests = meter.createCounter('checkout.requests', { description: 'checkout calls' });
  const duration = meter.createHistogram('checkout.duration', {
    description: 'checkout latency', unit: 'ms',
  });

  const rate = Number(opts.rate);
  let recorded = 0;
  const start = Date.now();
  const timer = setInterval(() => {
    const due = Math.floor(((Date.now() - start) / 1000) * rate);
    for (; recorded < due; recorded++) {
      const outcome = recorded % 10 === 9 ? 'error' : 'ok';
      requests.add(1, { 'http.route': '/checkout', outcome });
      duration.record(5 + (recorded % 50) * 3, { 'http.route': '/checkout' });
    }
  }, 20);
  await runFor(opts.seconds);
  clearInterval(timer);
  try {
    await provider.forceFlush();
    await provider.shutdown();
  } catch (err) { // already counted (and printed) by countExports
    tally.failed = Math.max(tally.failed, 1);
  }
  console.log(JSON.stringify({ done: { recorded, exports_ok: tally.ok,
                                       exports_failed: tally.failed } }));
  return tally.failed === 0 ? 0 : 1;
}

main().then((code) => process.exit(code), (err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
