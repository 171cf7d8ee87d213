// messages.js: the messages by state, searched by phone number, campaign or
// id. The filters live in the address (#/messages?status=dead&to=...), so a
// search can be bookmarked, reloaded and gone back to. The list refreshes
// itself while it is in sight, keeping the rows, the ticks and the scroll;
// ticked messages can be sent now or cancelled together.

import {query} from './api.js';
import {$, h, fill, num, when, badge, notice, confirm} from './dom.js';
import {STATES} from './overview.js';
import {patchTable, sig} from './live.js';
import {pagedList} from './paging.js';
import {selection} from './select.js';

export const CANCELLABLE = ['queued', 'scheduled', 'retrying'];
export const SENDABLE = ['scheduled', 'retrying'];

// every is how often the list refreshes itself while in sight.
export const every = 10000;

let root = null;
let app = null;
let params = new URLSearchParams();

const pick = selection('msg', [
  {key: 'send-now', label: 'Send now', cls: 'primary', fits: (ms) => ms.filter((m) => SENDABLE.includes(m.status)), run: sendNow},
  {key: 'cancel', label: 'Cancel', cls: 'danger', fits: (ms) => ms.filter((m) => CANCELLABLE.includes(m.status)), run: cancelMany},
], async () => {
  app.refresh();
  await refresh(true);
});

export function show(el, route, a) {
  app = a;
  if (!root) build(el);
  params = route.params;
  for (const f of ['status', 'to', 'campaign', 'instance']) $('#q-' + f, root).value = params.get(f) || '';
  $('#q-id', root).value = '';
  pick.clear();
  load(false);
}

export function reload() {
  load(false);
}

function field(id, label, input) {
  return h('div', {class: 'field'}, h('label', {for: 'q-' + id, text: label}), input);
}

function build(el) {
  root = el;
  const text = (id, extra) => h('input', {id: 'q-' + id, name: id, type: 'search', autocomplete: 'off', spellcheck: 'false', ...extra});
  fill(el,
    h('form', {class: 'card filters', role: 'search', 'aria-label': 'Search messages', onsubmit: search},
      field('status', 'State', h('select', {id: 'q-status', name: 'status'},
        h('option', {value: ''}, 'any'), STATES.map((st) => h('option', {value: st}, st)))),
      field('to', 'Phone', text('to', {inputmode: 'tel', placeholder: '+34600111222'})),
      field('campaign', 'Campaign', text('campaign')),
      field('instance', 'Instance', text('instance')),
      field('id', 'Message id', text('id')),
      h('div', {class: 'buttons'},
        h('button', {type: 'submit', class: 'primary'}, 'Search'),
        h('a', {href: '#/messages', class: 'button quiet'}, 'Clear'))),
    h('div', {class: 'card list'}, pick.bar, h('div', {id: 'list'})),
    h('p', {class: 'more'}, h('button', {type: 'button', id: 'more', hidden: true, onclick: () => load(true)}, 'Load more')));
}

// search puts the form into the address; an id goes straight to the
// message.
function search(e) {
  e.preventDefault();
  const id = $('#q-id', root).value.trim();
  if (id) {
    location.hash = '#/message/' + encodeURIComponent(id);
    return;
  }
  const next = '#/messages' + query({
    status: $('#q-status', root).value,
    to: $('#q-to', root).value.trim(),
    campaign: $('#q-campaign', root).value.trim(),
    instance: $('#q-instance', root).value.trim(),
  });
  if (location.hash === next) load(false);
  else location.hash = next;
}

const pages = pagedList({
  view: () => root, box: '#list', more: '#more',
  url: (limit, after) => '/v1/messages' + query({
    status: params.get('status'), to: params.get('to'), campaign: params.get('campaign'), instance: params.get('instance'),
    limit, cursor: after,
  }),
  items: (r) => r.messages,
  render,
  failed: (e) => {
    $('#more', root).hidden = true;
    fill($('#list', root), notice(e.message, 'error'));
  },
});
const load = (more) => pages.load(more);

// refresh reads again as many messages as the list shows, newest first,
// and changes only the rows that changed. It waits while text is selected
// in the list or a dialog is open; force (after an action) does not.
export const refresh = (force) => pages.refresh(force);

function render() {
  const {shown, cursor} = pages;
  const list = $('#list', root);
  pick.show(shown);
  if (!shown.length) {
    // A page examines a bounded number of records, so a rare filter can
    // answer an empty page that still has a next one.
    fill(list, notice(cursor ? 'None found in the newest records; Load more searches further.' : 'No message matches.'));
    return;
  }
  const {columns, rows} = messageRows(shown, {pick});
  patchTable(list, 'Messages', columns, rows, 'messages');
}

// messageRows lists messages for patchTable, with a link to each one's
// detail, a checkbox when pick is given, and an extra column when asked.
export function messageRows(ms, {pick: p, extra} = {}) {
  const columns = ['Id', 'To', 'State', 'Priority', 'Campaign', 'Attempts', 'Created', 'Due', 'Last error'];
  if (p) columns.unshift('');
  if (extra) columns.push(extra.label);
  const rows = ms.map((m) => ({id: m.id, sig: sig(m), cells: () => {
    const cells = [h('a', {href: '#/message/' + encodeURIComponent(m.id), class: 'mono', text: m.id}),
      m.to, badge(m.status), m.priority, m.campaign || '–', `${m.attempts} of ${m.max_attempts}`, when(m.created_at),
      due(m), m.last_error ? h('span', {class: 'err', text: m.last_error}) : '–'];
    if (p) cells.unshift(p.box(m));
    if (extra) cells.push(extra.cell(m));
    return cells;
  }}));
  return {columns, rows};
}

// due is when a waiting message goes: its send time or its next attempt.
function due(m) {
  if (m.status === 'retrying' || (m.status === 'scheduled' && m.next_attempt_at)) return when(m.next_attempt_at);
  if (m.status === 'scheduled') return when(m.send_at);
  return '–';
}

// sendNowText says what POST /v1/messages/send-now did.
export function sendNowText(r) {
  const why = {};
  for (const s of r.skipped || []) why[s.status] = (why[s.status] || 0) + 1;
  const skipped = Object.entries(why).map(([st, n]) => `${num(n)} ${st === 'not_found' ? 'not found' : st}`).join(', ');
  return `Queued ${num(r.queued)} to send now` + (skipped ? `; skipped ${skipped}` : '');
}

async function sendNow(ms) {
  await pick.postIds('/v1/messages/send-now', ms, sendNowText);
}

async function cancelMany(ms) {
  const n = num(ms.length);
  if (!(await confirm(`Cancel ${n} messages?`, `The ${n} selected messages that are still waiting will not be sent.`, 'Cancel messages', true))) return;
  await pick.deleteEach((m) => '/v1/messages/' + encodeURIComponent(m.id), ms, 'Cancelled');
}
