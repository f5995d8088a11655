#!/usr/bin/env node
// Sends server spans for one service and span name at a steady rate through the official
// OpenTelemetry JS SDK (BasicTracerProvider, BatchSpanProcessor, OTLP/gRPC trace exporter).
// A share of them (--error-ratio) end with status ERROR and carry artifact.id / agent.id /
// skill.id: each such span is printed on stdout as one JSON line, {"error_span": {...}}, so the
// caller can look for it among an incident's exemplars. Last line: {"done": {...}}.
// Exit 1 when an export failed for good.
//
//   node send-spans.js --endpoint 127.0.0.1:4317 --rate 50 --seconds 3 --error-ratio 1
'use strict';

const { SpanKind, SpanStatusCode } = require('@opentelemetry/api');
const { BasicTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-grpc');
const { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_ROUTE,
        ATTR_HTTP_RESPONSE_STATUS_CODE } = require('@opentelemetry/semantic-conventions');
const { parseArgs, exporterConfig, countExports, resourceFor, pace, finish, runFor,
        runMain } = require('./common');

const opts = parseArgs(process.argv.slice(2), {
  service: 'checkout',
  name: 'POST /checkout',
  rate: '20',            // spans/s
  seconds: '5',          // 0: until SIGTERM
  errorRatio: '0',
  artifactId: 'art-interop',
  agentId: 'agent-interop',
  skillId: 'skill-interop',
});

async function main() {
  const tally = { ok: 0, failed: 0 };
  const exporter = countExports(new OTLPTraceExporter(exporterConfig(opts)), tally);
  const provider = new BasicTracerProvider({
    resource: resourceFor(opts),
    spanProcessors: [new BatchSpanProcessor(exporter, {
      scheduledDelayMillis: 200, maxExportBatchSize: 512, maxQueueSize: 65536,
    })],
  });
  const tracer = provider.getTracer('tocsin-interop', '1.0.0');
  const ratio = Number(opts.errorRatio);
  const [method, route] = opts.name.includes(' ') ? opts.name.split(' ', 2) : ['GET', opts.name];

  let errors = 0;
  const emit = (n) => {
    // Exactly floor(n * ratio) errors among the first n spans, spread evenly.
    const error = Math.floor((n + 1) * ratio) > Math.floor(n * ratio);
    const span = tracer.startSpan(opts.name, {
      kind: SpanKind.SERVER,
      attributes: {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_HTTP_ROUTE]: route,
        [ATTR_HTTP_RESPONSE_STATUS_CODE]: error ? 500 : 200,
      },
    });
    if (error) {
      span.setAttributes({
        'artifact.id': opts.artifactId, 'agent.id': opts.agentId, 'skill.id': opts.skillId,
      });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'checkout failed' });
      const ctx = span.spanContext();
      console.log(JSON.stringify({ error_span: {
        trace_id: ctx.traceId, span_id: ctx.spanId, artifact_id: opts.artifactId,
        agent_id: opts.agentId, skill_id: opts.skillId } }));
      errors++;
    }
    span.end();
  };

  const stop = pace(Number(opts.rate), emit);
  await runFor(opts.seconds);
  const spans = stop();
  return finish(provider, tally, { spans, errors });
}

runMain(main);
