// SPDX-License-Identifier: GPL-3.0-or-later
// A small Node.js program for tests/test-real-traces.sh: timers on the main
// thread and a worker_thread, each doing some work, so that Node's own trace
// (--trace-event-categories v8,node) has slices on both threads.
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

function spin(ms) {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end)
    x += Math.sqrt(x + 1);
  return x;
}

if (isMainThread) {
  const worker = new Worker(__filename);
  let n = 0;
  worker.on('message', () => {
    const timer = setInterval(() => {
      spin(5);
      JSON.parse(JSON.stringify({ a: new Array(1000).fill(n) }));
      if (++n === 10) {
        clearInterval(timer);
        worker.postMessage('stop');
      }
    }, 10);
  });
} else {
  spin(50);
  parentPort.on('message', () => {
    spin(10);
    process.exit(0);
  });
  parentPort.postMessage('ready');
}
