// message.js: one message, #/message/<id>: what it is, where it went, its
// last error and its status history, with the actions its state allows:
// send now or cancel while it waits, retry or delete once it is dead. It
// refreshes itself while in sight, and is drawn again only when it changed.

import {get, post, del, guard} from './api.js';
import {h, fill, when, badge, notice, table, toast, fail, confirm} from './dom.js';
import {CANCELLABLE, SENDABLE, sendNowText} from './messages.js';
import {busy, sig} from './live.js';

export const every = 10000;

let root = null;
let id = '';
let app = null;
let last = ''; // the signature of the message shown

export function show(el, route, a) {
  root = el;
  id = route.arg;
  app = a;
  if (!id) location.replace('#/messages'); // no id: the list, without a history entry to come back to
  else load();
}

export function reload() {
  load();
}

const path = () => '/v1/messages/' + encodeURIComponent(id);

async function load() {
  last = '';
  fill(root, back(), h('p', {class: 'muted', text: 'Loading…'}));
  await guard(async () => render(await get(path())), (e) => {
    fill(root, back(), notice(e.status === 404 ? `No message has the id ${id}.` : e.message, 'error'));
  });
}

// refresh reads the message again and draws it only when it changed,
// putting the focus back on the button that had it.
export async function refresh() {
  if (!root || !id || !last || busy(root)) return;
  const want = id;
  await guard(async () => {
    const m = await get(path());
    if (want !== id || sig(m) === last) return;
    const focused = root.contains(document.activeElement) && document.activeElement.dataset.action;
    const y = window.scrollY;
    render(m);
    window.scrollTo(0, y);
    if (focused) root.querySelector(`[data-action="${focused}"]`)?.focus();
  }, () => {});
}

function back() {
  return h('p', {class: 'back'}, h('a', {href: '#/messages'}, '← Messages'));
}

function render(m) {
  last = sig(m);
  fill(root,
    back(),
    h('section', {class: 'card detail', 'aria-labelledby': 'h-msg'},
      h('div', {class: 'head'}, h('h1', {id: 'h-msg'}, 'Message ', h('code', {text: m.id})), badge(m.status)),
      actions(m),
      m.last_error ? h('p', {class: 'last-error'}, h('b', {text: 'Last error: '}), m.last_error) : null,
      h('dl', {class: 'facts'}, facts(m).map(([k, v]) => [h('dt', {text: k}), h('dd', null, v)])),
      content(m)),
    h('section', {class: 'card', 'aria-labelledby': 'h-history'},
      h('h2', {id: 'h-history', text: 'Status history'}),
      table('Status history', ['State', 'At', 'Note'],
        (m.history || []).map((c) => [badge(c.status), when(c.at), c.note || '–']), 'history')));
}

// facts are the message's fields worth reading, the empty ones left out.
function facts(m) {
  return [
    ['To', m.to], ['Type', m.type], ['Priority', m.priority], ['Attempts', `${m.attempts} of ${m.max_attempts}`],
    ['Campaign', m.campaign], ['Instance', m.instance], ['Created', when(m.created_at)],
    ['Send at', m.send_at && when(m.send_at)], ['Next attempt', m.next_attempt_at && when(m.next_attempt_at)],
    ['Sent', m.sent_at && when(m.sent_at)], ['Delivered', m.delivered_at && when(m.delivered_at)],
    ['Read', m.read_at && when(m.read_at)], ['Sent as', m.sent_as], ['Gateway id', m.gateway_message_id],
    ['Idempotency key', m.idempotency_key], ['Callback URL', m.callback_url],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
}

function content(m) {
  const parts = [];
  if (m.text) parts.push(h('h2', {text: 'Text'}), h('pre', {class: 'text', text: m.text}));
  if (m.media) parts.push(h('h2', {text: 'Media'}), h('pre', {text: JSON.stringify(m.media, null, 2)}));
  if (m.template) parts.push(h('h2', {text: 'Template'}), h('pre', {text: JSON.stringify(m.template, null, 2)}));
  if (m.fallback_template) parts.push(h('h2', {text: 'Fallback template'}), h('pre', {text: JSON.stringify(m.fallback_template, null, 2)}));
  if (m.metadata) parts.push(h('h2', {text: 'Metadata'}), h('pre', {text: JSON.stringify(m.metadata, null, 2)}));
  return parts;
}

function actions(m) {
  const buttons = [];
  if (SENDABLE.includes(m.status)) buttons.push(h('button', {type: 'button', class: 'primary', 'data-action': 'send-now', onclick: sendNow}, 'Send now'));
  if (CANCELLABLE.includes(m.status)) buttons.push(h('button', {type: 'button', class: 'danger', 'data-action': 'cancel', onclick: cancel}, 'Cancel message'));
  if (m.status === 'dead') {
    buttons.push(h('button', {type: 'button', class: 'primary', 'data-action': 'retry', onclick: retry}, 'Retry'));
    buttons.push(h('button', {type: 'button', class: 'danger', 'data-action': 'delete', onclick: remove}, 'Delete'));
  }
  return buttons.length ? h('div', {class: 'buttons'}, buttons) : null;
}

// act runs one action on the message, then shows it again and refreshes
// the counts.
async function act(f, done) {
  await guard(async () => {
    toast(done(await f()));
    app.refresh();
    load();
  }, fail);
}

async function cancel() {
  if (!(await confirm('Cancel this message?', 'It will not be sent.', 'Cancel message', true))) return;
  act(() => del(path()), () => 'Message cancelled');
}

function sendNow() {
  act(() => post('/v1/messages/send-now', {ids: [id]}), sendNowText);
}

function retry() {
  act(() => post('/v1/dlq/retry', {ids: [id]}), (r) => (r.retried ? 'Queued again with fresh attempts' : 'Not retried: it is no longer dead'));
}

async function remove() {
  if (!(await confirm('Delete this dead message?', 'It is removed from the dead-letter queue for good.', 'Delete', true))) return;
  await guard(async () => {
    await del('/v1/dlq/' + encodeURIComponent(id));
    toast('Message deleted');
    app.refresh();
    location.hash = '#/dlq';
  }, fail);
}
