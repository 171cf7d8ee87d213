// Fills a Redis with BullMQ jobs in every state waq imports, for the Go
// importer tests. Usage: node seed.js <port>. Prints "ok" when done.
const { Queue, Worker } = require('bullmq');

const connection = { host: '127.0.0.1', port: Number(process.argv[2]) };

async function main() {
  const q = new Queue('wa', { connection });
  // Finished jobs first, with a worker that completes or fails by name.
  const w = new Worker('wa', async (job) => {
    if (job.name === 'bad') throw new Error('number not on WhatsApp');
    return 'ok';
  }, { connection });
  const done = new Promise((resolve) => {
    let n = 0;
    const tick = () => { if (++n === 2) resolve(); };
    w.on('completed', tick);
    w.on('failed', tick);
  });
  await q.add('good', { to: '+34600000001', text: 'completed one', campaign: 'c1' }, { jobId: 'done1' });
  await q.add('bad', { phone: '34600000002', message: 'failed one' }, { jobId: 'fail1', attempts: 1 });
  await done;
  await w.close();

  await q.add('send', { to: '+34600000003', text: 'waiting one', campaign: 'c1' }, { jobId: 'wait1' });
  await q.add('send', { number: '34600000004@s.whatsapp.net', body: 'waiting two' }, { jobId: 'wait2' });
  await q.add('send', { to: '+34600000005', text: 'urgent', }, { jobId: 'prio1', priority: 1 });
  await q.add('send', { to: '+34600000006', text: 'bulk' }, { jobId: 'prio9', priority: 9 });
  await q.add('send', { to: '+34600000007', text: 'later' }, { jobId: 'delay1', delay: 3600000 });
  await q.add('send', { text: 'no phone' }, { jobId: 'nophone' });

  // A second queue, paused: BullMQ 5 keeps its jobs in the paused list.
  const p = new Queue('promo', { connection });
  await p.pause();
  await p.add('send', { to: '+34600000008', text: 'paused one', priority: 'high' }, { jobId: 'paused1' });

  await q.close();
  await p.close();
  console.log('ok');
}

main().catch((e) => { console.error(e); process.exit(1); });
