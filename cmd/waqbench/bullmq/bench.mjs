// The BullMQ side of cmd/waqbench: what the replaced stack does with
// BullMQ 5 and ioredis, timed from inside Node. Run by waqbench as
//   node bench.mjs MODE '{"count":...}'   with REDIS_ADDR=host:port
// It writes "ready" when it waits for "go" on stdin, and its result as one
// JSON line last. Modes:
//   add      Queue.add of count jobs, `clients` calls in flight
//   bulk     Queue.addBulk of `batch` jobs, `clients` calls in flight
//   drain    addBulk count jobs, "ready", wait for "go", then a Worker of
//            `concurrency` POSTs each job to the Evolution stand-in at `url`
//   latency  a Worker of concurrency 5 runs; count jobs are added one at a
//            time, each once the previous one was sent
import { Queue, Worker } from 'bullmq';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';

const [mode, json] = process.argv.slice(2);
const opts = JSON.parse(json || '{}');
const [host, port] = (process.env.REDIS_ADDR || '127.0.0.1:6379').split(':');
const connection = { host, port: Number(port), maxRetriesPerRequest: null };
const queueName = 'whatsapp';
// As waq's defaults, which waqbench passes from Go (store.MaxAttemptsDefault
// tries, the first retry after sender.RetryBaseDefault, doubling).
const jobOpts = {
  attempts: Number(process.env.BENCH_ATTEMPTS),
  backoff: { type: 'exponential', delay: Number(process.env.BENCH_BACKOFF_MS) },
};
if (!(jobOpts.attempts > 0 && jobOpts.backoff.delay > 0)) {
  throw new Error('bench.mjs: BENCH_ATTEMPTS and BENCH_BACKOFF_MS are set by waqbench');
}
const firstNumber = 34600000000;
const text = 'Hola, le recordamos su cita de mañana a las 10:00. Responda SI para confirmar o NO para cambiarla.';

const message = (seq) => ({ to: '+' + String(firstNumber + seq), text });
const job = (seq) => ({ name: 'send', data: message(seq), opts: jobOpts });

// send is the replaced stack's processor: one sendText call to Evolution API.
async function send(j) {
  const res = await fetch(`${opts.url}/message/sendText/${opts.instance}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', apikey: opts.key },
    body: JSON.stringify({ number: j.data.to.replace(/\D/g, ''), text: j.data.text }),
  });
  const body = await res.json();
  if (res.status < 200 || res.status > 299) throw new Error(`evolution: ${res.status}`);
  return body.key.id;
}

// inFlight runs task(i) for i in [0, count), at most `clients` at a time.
async function inFlight(count, clients, step, task) {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next;
      next += step;
      await task(i, Math.min(step, count - i));
    }
  };
  await Promise.all(Array.from({ length: clients }, lane));
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

function waitGo() {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.on('line', (line) => { if (line.trim() === 'go') { rl.close(); resolve(); } });
  });
}

const addBulk = (queue, clients) => inFlight(opts.count, clients, opts.batch || 1000,
  (from, n) => queue.addBulk(Array.from({ length: n }, (_, k) => job(from + k))));

async function drain(queue) {
  await addBulk(queue, 4);
  process.stdout.write('ready\n');
  await waitGo();
  let worker;
  const elapsed = await timed(() => new Promise((resolve, reject) => {
    let done = 0;
    worker = new Worker(queueName, send, { connection, concurrency: opts.concurrency });
    worker.on('completed', () => { if (++done === opts.count) resolve(); });
    worker.on('error', reject);
  }));
  await worker.close();
  return { elapsed_ms: elapsed };
}

async function latency(queue) {
  const waiters = new Map();
  const worker = new Worker(queueName, async (j) => {
    const id = await send(j);
    const seq = Number(j.data.to.slice(1)) - firstNumber;
    waiters.get(seq)?.();
    return id;
  }, { connection, concurrency: 5 });
  await worker.waitUntilReady();
  const start = [], add = [];
  for (let i = 0; i < opts.count; i++) {
    const sent = new Promise((resolve) => waiters.set(i, resolve));
    const t0 = performance.now();
    start.push(performance.timeOrigin + t0); // wall clock, ms, to meet the stand-in's
    await queue.add('send', message(i), jobOpts);
    add.push(performance.now() - t0);
    await sent;
    waiters.delete(i);
  }
  await worker.close();
  return { start_unix_ms: start, add_ms: add };
}

const queue = new Queue(queueName, { connection });
await queue.waitUntilReady();
let result;
switch (mode) {
  case 'add':
    result = { elapsed_ms: await timed(() => inFlight(opts.count, opts.clients, 1,
      (i) => queue.add('send', message(i), jobOpts))) };
    break;
  case 'bulk':
    result = { elapsed_ms: await timed(() => addBulk(queue, opts.clients)) };
    break;
  case 'drain':
    result = await drain(queue);
    break;
  case 'latency':
    result = await latency(queue);
    break;
  default:
    throw new Error(`unknown mode ${mode}`);
}
await queue.close();
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
