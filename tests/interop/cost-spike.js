#!/usr/bin/env node
// Records an LLM cost counter (llm.cost, attributed with artifact.id) through the official
// OpenTelemetry JS SDK (MeterProvider, PeriodicExportingMetricReader, OTLP/gRPC metrics
// exporter): a steady spend of --baseline per second for --normal-seconds, then one spike of
// --spike, then the steady spend again for --after-seconds. Drives tocsind's cost detector for
// tests/e2e/cost_interop_test.cpp. Prints {"spike": {...}} when the spike is recorded and, last,
// {"done": {...}}. Exit 1 when an export failed for good.
//
//   node cost-spike.js --endpoint 127.0.0.1:4317 --token T --artifact-id planner-v3
'use strict';

const { parseArgs, meterProvider, finish, runMain, sleep } = require('./common');

const opts = parseArgs(process.argv.slice(2), {
  service: 'llm-agent',
  metric: 'llm.cost',
  artifactId: 'planner-v3',
  baseline: '10',           // spend per second
  rate: '10',               // recordings per second
  normalSeconds: '14',
  spike: '1000',            // one recording of this much
  afterSeconds: '4',
  interval: '200',          // export interval, ms
  temporality: 'cumulative', // or delta
});

// Records the steady spend due since `start` (by elapsed time, so a slow event loop records
// late but never less), until `seconds` have passed.
async function steady(counter, attrs, seconds, tally) {
  const rate = Number(opts.rate);
  const each = Number(opts.baseline) / rate;
  const start = Date.now();
  let recorded = 0;
  for (;;) {
    const elapsed = Date.now() - start;
    const due = Math.floor((Math.min(elapsed, seconds * 1000) / 1000) * rate);
    for (; recorded < due; recorded++) counter.add(each, attrs);
    if (elapsed >= seconds * 1000) break;
    await sleep(20);
  }
  tally.recordings += recorded;
}

async function main() {
  const tally = { ok: 0, failed: 0, recordings: 0 };
  const provider = meterProvider(opts, tally);
  const meter = provider.getMeter('tocsin-interop', '1.0.0');
  const cost = meter.createCounter(opts.metric, { description: 'LLM spend', unit: 'USD' });
  const attrs = { 'artifact.id': opts.artifactId };

  await steady(cost, attrs, Number(opts.normalSeconds), tally);
  cost.add(Number(opts.spike), attrs);
  console.log(JSON.stringify({ spike: { at_ms: Date.now(), value: Number(opts.spike) } }));
  await steady(cost, attrs, Number(opts.afterSeconds), tally);
  return finish(provider, tally, { recordings: tally.recordings });
}

runMain(main);
