#!/usr/bin/env node
// tools/demo/run's JSON helper (node is installed by tools/setup for the interop scripts).
//
//   show.js requests LOG PATH [MAX]   webhook-sink requests to PATH: one summary line each
//   show.js count LOG PATH            how many requests to PATH were answered 2xx
//   show.js get EXPR                  stdin JSON → the value at EXPR (a.b[0].c), "" if none
//   show.js moves                     stdin `incident get -o json` → allowed moves, one per line
//   show.js free-port                 a loopback TCP port free a moment ago
//   show.js feedback-of ID            stdin `feedback list -o json` → the id of ID's item
'use strict';

const fs = require('fs');

function requests(log, path) {
  let text = '';
  try { text = fs.readFileSync(log, 'utf8'); } catch (e) { return []; }
  const out = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      if (r.path === path) out.push(r);
    } catch (e) { /* the last line may be half written */ }
  }
  return out;
}

function header(r, name) {
  for (const [k, v] of Object.entries(r.headers || {}))
    if (k.toLowerCase() === name.toLowerCase()) return v;
  return '';
}

function summary(r) {
  let body = r.body;
  try {
    const b = JSON.parse(r.body);
    if (b.feedback_id || b.id && String(b.id).startsWith('fb-'))
      body = `id=${b.id} tenant=${b.tenant} source=${b.source} category=${b.category} ` +
             `sentiment=${b.sentiment} artifact=${b.artifact_id} summary="${b.summary}"`;
    else if (b.kind && b.subject)
      body = `id=${b.id} kind=${b.kind} subject=${b.subject} amount=${b.amount} ` +
             `threshold=${b.threshold} incident=${b.incident_id}`;
    else if (b.incident)
      body = `${b.kind || b.event_type || ''} incident=${b.incident.id} "${b.incident.title}" ` +
             `severity=${b.incident.severity} status=${b.incident.status}`;
    else
      body = r.body.slice(0, 160);
  } catch (e) { body = String(r.body).slice(0, 160); }
  const sig = header(r, 'X-Tocsin-Signature') ? ' signed' : '';
  return `${r.time}  HTTP ${r.answered}  ${header(r, 'X-Tocsin-Event') || '-'}  ` +
         `Idempotency-Key: ${header(r, 'Idempotency-Key')}${sig}\n      ${body}`;
}

function get(obj, expr) {
  for (const part of expr.split(/[.[\]]/).filter(Boolean)) {
    if (obj === undefined || obj === null) return '';
    obj = obj[/^\d+$/.test(part) ? Number(part) : part];
  }
  if (obj === undefined || obj === null) return '';
  return typeof obj === 'object' ? JSON.stringify(obj) : String(obj);
}

function stdin() {
  try { return JSON.parse(fs.readFileSync(0, 'utf8')); } catch (e) { return {}; }
}

const [cmd, ...args] = process.argv.slice(2);
if (cmd === 'requests') {
  const rs = requests(args[0], args[1]);
  const max = Number(args[2] || 1000);
  for (const r of rs.slice(0, max)) console.log('    ' + summary(r));
  if (rs.length > max) console.log(`    ... and ${rs.length - max} more`);
} else if (cmd === 'count') {
  console.log(requests(args[0], args[1]).filter((r) => Math.floor(r.answered / 100) === 2).length);
} else if (cmd === 'get') {
  console.log(get(stdin(), args[0]));
} else if (cmd === 'moves') {
  const j = stdin();
  for (const m of (j.incident && j.incident.allowed_moves) || []) console.log(m);
} else if (cmd === 'feedback-of') {
  const item = (stdin().items || []).find((i) => i.source_id === args[0]);
  console.log(item ? item.id : '');
} else if (cmd === 'free-port') {
  const srv = require('net').createServer();
  srv.listen(0, '127.0.0.1', () => {
    console.log(srv.address().port);
    srv.close();
  });
} else {
  console.error('usage: show.js requests|count|get|moves|free-port|feedback-of ...');
  process.exit(2);
}
