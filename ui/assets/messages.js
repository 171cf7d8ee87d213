// messages.js: the messages by state, searched by phone number, campaign or
// id. The filters live in the address (#/messages?status=dead&to=...), so a
// search can be bookmarked, reloaded and gone back to.

import {get, query, guard} from './api.js';
import {$, h, fill, when, badge, notice, table, fail} from './dom.js';
import {STATES} from './overview.js';

const PAGE = 50;

let root = null;
let params = new URLSearchParams();
let cursor = '';
let shown = [];

export function show(el, route) {
  if (!root) build(el);
  params = route.params;
  for (const f of ['status', 'to', 'campaign']) $('#q-' + f, root).value = params.get(f) || '';
  $('#q-id', root).value = '';
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
      field('id', 'Message id', text('id')),
      h('div', {class: 'buttons'},
        h('button', {type: 'submit', class: 'primary'}, 'Search'),
        h('a', {href: '#/messages', class: 'button quiet'}, 'Clear'))),
    h('div', {id: 'list', class: 'card list'}),
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
  });
  if (location.hash === next) load(false);
  else location.hash = next;
}

async function load(more) {
  const list = $('#list', root);
  if (!more) {
    cursor = '';
    shown = [];
    fill(list, h('p', {class: 'muted', text: 'Loading…'}));
  }
  await guard(async () => {
    const r = await get('/v1/messages' + query({
      status: params.get('status'), to: params.get('to'), campaign: params.get('campaign'), limit: PAGE, cursor,
    }));
    shown = shown.concat(r.messages);
    cursor = r.next_cursor || '';
    $('#more', root).hidden = !cursor;
    render(list);
  }, more ? fail : (e) => {
    $('#more', root).hidden = true;
    fill(list, notice(e.message, 'error'));
  });
}

function render(list) {
  if (!shown.length) {
    // A page examines a bounded number of records, so a rare filter can
    // answer an empty page that still has a next one.
    fill(list, notice(cursor ? 'None found in the newest records; Load more searches further.' : 'No message matches.'));
    return;
  }
  fill(list, messageTable('Messages', shown));
}

// messageTable lists messages with a link to each one's detail.
export function messageTable(caption, ms, extra) {
  const cols = ['Id', 'To', 'State', 'Priority', 'Campaign', 'Attempts', 'Created', 'Last error'];
  const rows = ms.map((m) => ({id: m.id, cells: [
    h('a', {href: '#/message/' + encodeURIComponent(m.id), class: 'mono', text: m.id}),
    m.to, badge(m.status), m.priority, m.campaign || '–', `${m.attempts} of ${m.max_attempts}`, when(m.created_at),
    m.last_error ? h('span', {class: 'err', text: m.last_error}) : '–',
  ]}));
  if (extra) {
    cols.push(extra.label);
    rows.forEach((r, i) => r.cells.push(extra.cell(ms[i])));
  }
  return table(caption, cols, rows, 'messages');
}
