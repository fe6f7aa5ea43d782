// SPDX-License-Identifier: GPL-3.0-or-later
//
// Loads a Chrome trace with the trace engine of Chrome DevTools
// (@paulirish/trace_engine) and prints, as JSON, the threads it saw and how
// many slices each holds: {"threads":[{"pid":…,"tid":…,"name":…,"slices":N}…]}.
// Used by tests/test-trace-consumer.sh.
//
//   node trace-threads.mjs TRACE.json         what the trace engine saw
//   node trace-threads.mjs --file TRACE.json  the same, counted in the file
//                                             itself (thread_name metadata,
//                                             "X" and "B" events per thread)

import fs from 'node:fs';

const raw = process.argv[2] === '--file';
const file = process.argv[raw ? 3 : 2];
if (!file) {
  console.error('usage: node trace-threads.mjs [--file] TRACE.json');
  process.exit(2);
}

function printThreads(threads) {
  threads.sort((a, b) => a.pid - b.pid || a.tid - b.tid);
  console.log(JSON.stringify({threads}));
}

if (raw) {
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  const events = json.traceEvents ?? json;
  const byThread = new Map();
  const get = (e) => {
    const key = `${e.pid}/${e.tid}`;
    if (!byThread.has(key)) {
      byThread.set(key, {pid: Number(e.pid), tid: Number(e.tid), name: null, slices: 0});
    }
    return byThread.get(key);
  };
  for (const e of events) {
    if (e.ph === 'M' && e.name === 'thread_name') {
      get(e).name = e.args?.name ?? null;
    } else if (e.ph === 'X' || e.ph === 'B') {
      get(e).slices++;
    }
  }
  printThreads([...byThread.values()]);
  process.exit(0);
}

const {analyzeTrace} = await import('@paulirish/trace_engine/analyze-trace.mjs');

// The engine logs what it skips (B/E mismatches and the like) on the
// console; keep stdout for the JSON.
const log = console.log;
console.log = (...args) => console.error(...args);
const {parsedTrace} = await analyzeTrace(file);
console.log = log;

const threads = [];
for (const [pid, process] of parsedTrace.data.Renderer.processes) {
  for (const [tid, thread] of process.threads) {
    threads.push({
      pid: Number(pid),
      tid: Number(tid),
      name: thread.name ?? null,
      slices: thread.entries.length,
    });
  }
}
printThreads(threads);
