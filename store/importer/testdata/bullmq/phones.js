// Fills a Redis with BullMQ jobs whose phone numbers come in the forms
// queues keep them in, for the importer's phone test. Usage:
// node phones.js <port>. Prints "ok" when done.
const { Queue } = require('bullmq');

const connection = { host: '127.0.0.1', port: Number(process.argv[2]) };

async function main() {
  const q = new Queue('wa', { connection });
  const add = (id, data) => q.add('send', { text: 'hola', ...data }, { jobId: id });
  await add('national', { to: '600111222' });
  await add('spaced', { to: '+34 600 11 12 23' });
  await add('idd', { phone: '0034600111224' });
  await add('jid', { number: '34600111225@s.whatsapp.net' });
  await add('waid', { to: '34600111226' });
  await add('lid1', { number: '1371234567@lid' });
  await add('lid2', { to: '99887766@lid' });
  await add('group', { to: '120363025@g.us' });
  await add('malaysia', { to: '+600111222' });
  await q.close();
  console.log('ok');
}

main().catch((e) => { console.error(e); process.exit(1); });
