// migration.js: moving off the old Redis and BullMQ, #/migration. It shows
// the messages held for cutover, the mirror's state and lag behind its
// source (GET /v1/admin/mirror, every few seconds while in sight), runs an
// import (which answers when done: the held count growing is its progress)
// and the cutover, which asks first since it starts sending what BullMQ
// may still send.

import {get, post, del, guard} from './api.js';
import {$, h, fill, num, dur, when, badge, notice, toast, fail, confirm} from './dom.js';
import {busy} from './live.js';

export const every = 3000;

let root = null;
let app = null;
let mirror = null; // the last mirror status, null when none ran or there is no mirror
let importing = null; // {url, started} while an import runs

export function show(el, _route, a) {
  app = a;
  if (!root) build(el);
  refresh(true);
}

export function reload() {
  refresh(true);
}

function card(id, title, ...kids) {
  return h('section', {class: 'card', id: 'mig-' + id, 'aria-labelledby': 'h-mig-' + id}, h('h2', {id: 'h-mig-' + id, text: title}), kids);
}

function urlForm(id, label, button, onsubmit) {
  return h('form', {class: 'inline mig-form', id: id + '-form', onsubmit},
    h('label', {for: id + '-url', text: label}),
    h('input', {id: id + '-url', name: 'url', type: 'text', inputmode: 'url', autocomplete: 'off', spellcheck: 'false',
      placeholder: 'redis://:password@10.0.0.5:6379', required: true}),
    h('button', {type: 'submit', class: 'primary', id: id + '-go'}, button));
}

function build(el) {
  root = el;
  fill(el,
    card('cutover', 'Cutover',
      h('div', {class: 'stats'},
        h('div', {class: 'stat'}, h('span', {class: 'label', text: 'Held for cutover'}), h('b', {id: 'mig-held', text: '–'}),
          h('span', {class: 'sub', text: 'imported or mirrored, never sent before cutover'})),
        h('div', {class: 'stat'}, h('span', {class: 'label', text: 'Mirror lag'}), h('b', {id: 'mig-lag', text: '–'}),
          h('span', {class: 'sub', id: 'mig-lag-sub'}))),
      h('p', {class: 'muted', text: 'Stop the BullMQ workers and producers first and wait until the mirror has no lag; then cut over. ' +
        'waq stops the mirror, turns the BullMQ jobs it copied into messages and releases every held message.'}),
      h('div', {class: 'buttons'}, h('button', {type: 'button', id: 'cutover', class: 'danger', onclick: cutover}, 'Cut over…'))),
    card('mirror', 'Mirror of a live Redis',
      h('div', {id: 'mig-mirror-status'}, h('p', {class: 'muted', text: 'Loading…'})),
      urlForm('mirror', 'Follow', 'Start mirror', startMirror)),
    card('import', 'One-time import',
      h('p', {class: 'muted', text: 'Copies every key once (SCAN), for a Redis that does not allow replication. The jobs become held messages.'}),
      urlForm('import', 'Import from', 'Import', runImport),
      h('div', {id: 'mig-import-status', 'aria-live': 'polite'})));
}

// refresh reads the mirror's status and the held count.
export async function refresh(force = false) {
  if (!root || (!force && busy(root))) return;
  await guard(async () => {
    const [q, m] = await Promise.all([get('/v1/queue'), mirrorStatus()]);
    app.queue = q;
    mirror = m.status;
    $('#mig-held', root).textContent = num(q.counts.held);
    lag(m);
    mirrorCard(m);
    if (importing) importProgress(q.counts.held);
  }, () => {});
}

// mirrorStatus returns {status} or {absent: 404|501}.
async function mirrorStatus() {
  try {
    return {status: await get('/v1/admin/mirror')};
  } catch (e) {
    if (e.status === 404 || e.status === 501) return {status: null, absent: e.status};
    throw e;
  }
}

function lag(m) {
  const st = m.status;
  $('#mig-lag', root).textContent = st && st.state === 'streaming' ? bytes(st.lag_bytes) : '–';
  $('#mig-lag-sub', root).textContent = !st ? 'no mirror running' : st.state === 'streaming'
    ? (st.lag_bytes ? 'behind the source' : 'up to date with the source') : 'mirror ' + st.state;
}

const bytes = (n) => (n < 1024 ? num(n) + ' B' : n < 1 << 20 ? num(Math.round(n / 102.4) / 10) + ' KiB' : num(Math.round(n / 104857.6) / 10) + ' MiB');

function mirrorCard(m) {
  const box = $('#mig-mirror-status', root);
  const running = m.status && ['connecting', 'loading', 'streaming'].includes(m.status.state);
  $('#mirror-form', root).hidden = m.absent === 501 || running;
  if (m.absent === 501) {
    fill(box, notice('Mirroring is not available on this waq (GET /v1/admin/mirror answered 501).', 'na'));
    return;
  }
  if (!m.status) {
    fill(box, notice('No mirror ran since waq started. Give the Redis that BullMQ uses to follow it until cutover.'));
    return;
  }
  const st = m.status;
  const facts = [['State', badge(st.state)], ['Source', st.url], ['Keys here', num(st.keys)],
    ['Applied offset', num(st.offset)], ['Source offset', num(st.source_offset)], ['Lag', bytes(st.lag_bytes)],
    ['Full syncs', num(st.full_syncs)], ['Resumed', num(st.continues)], ['Skipped', num(st.skipped)],
    ['Last update', when(st.last_update)]];
  if (st.last_error) facts.push(['Last error', h('span', {class: 'err', text: st.last_error})]);
  fill(box, h('dl', {class: 'facts', id: 'mirror-facts'}, facts.map(([k, v]) => [h('dt', {text: k}), h('dd', null, v)])),
    running ? h('div', {class: 'buttons'}, h('button', {type: 'button', id: 'mirror-stop', class: 'danger', onclick: stopMirror}, 'Stop mirror')) : null);
}

async function startMirror(e) {
  e.preventDefault();
  const url = $('#mirror-url', root).value.trim();
  await guard(async () => {
    await post('/v1/admin/mirror', {url});
    toast('Mirror started: the source accepted waq as a replica');
    await refresh(true);
  }, fail);
}

async function stopMirror() {
  if (!(await confirm('Stop the mirror?', 'waq stops following the source; following the same URL again resumes where it stopped.', 'Stop mirror', true))) return;
  await guard(async () => {
    await del('/v1/admin/mirror');
    toast('Mirror stopped');
    await refresh(true);
  }, fail);
}

async function runImport(e) {
  e.preventDefault();
  const url = $('#import-url', root).value.trim();
  importing = {url, started: Date.now(), held: app.queue ? app.queue.counts.held : 0};
  $('#import-go', root).disabled = true;
  importProgress(importing.held);
  await guard(async () => {
    const r = await post('/v1/admin/import', {url});
    fill($('#mig-import-status', root), h('p', {class: 'notice ok', id: 'import-result',
      text: `Imported ${num(r.keys)} keys and ${num(r.jobs)} BullMQ jobs: ${num(r.messages)} new held messages, ${num(r.skipped)} jobs skipped.`}));
    toast('Import done');
  }, (err) => fill($('#mig-import-status', root), notice('The import stopped: ' + err.message, 'error')));
  importing = null;
  $('#import-go', root).disabled = false;
  await refresh(true);
}

// importProgress shows a running import: how long it runs and how many
// held messages it added so far (the import answers only when done).
function importProgress(held) {
  const secs = (Date.now() - importing.started) / 1000;
  fill($('#mig-import-status', root), h('p', {class: 'progress-line'},
    h('progress', {'aria-label': 'Import running'}),
    ` Importing from ${importing.url}: ${dur(secs)}, ${num(Math.max(0, held - importing.held))} held messages so far`));
}

async function cutover() {
  const held = app.queue ? app.queue.counts.held : 0;
  const behind = mirror && mirror.state === 'streaming' && mirror.lag_bytes > 0
    ? ` The mirror is still ${bytes(mirror.lag_bytes)} behind its source: wait for 0 unless BullMQ is stopped for good.` : '';
  const text = `waq releases the ${num(held)} held messages${mirror ? ', stops the mirror and turns the jobs it copied into messages' : ''}: ` +
    `they are sent from now on. Stop BullMQ's workers first, or a message may be sent twice.${behind}`;
  if (!(await confirm(`Cut over ${num(held)} held messages?`, text, 'Cut over', true))) return;
  await guard(async () => {
    const r = await post('/v1/admin/cutover');
    toast(`Cutover done: ${num(r.released)} messages released`);
    app.refresh();
    await refresh(true);
  }, fail);
}
