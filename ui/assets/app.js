// app.js: the status page's start. It signs in when the server wants a key,
// polls /v1/queue and /healthz for the header and the overview, routes the
// #/... address to a view, refreshes the view in sight, and runs the
// queue-wide actions.

import {auth, get, post, guard, whenUnauthorized} from './api.js';
import {$, $$, h, fill, fail, toast, confirm, num} from './dom.js';
import {refit} from './charts.js';
import {clock, TZ} from './time.js';
import * as overview from './overview.js';
import * as messages from './messages.js';
import * as message from './message.js';
import * as dlq from './dlq.js';
import * as analytics from './analytics.js';
import * as optouts from './optouts.js';
import * as callbacks from './callbacks.js';
import * as migration from './migration.js';

const views = {overview, messages, message, dlq, analytics, optouts, callbacks, migration};
// TABS are the views the number keys switch to, in the order of the tabs.
const TABS = ['overview', 'messages', 'dlq', 'analytics', 'optouts', 'callbacks', 'migration'];
const POLL_MS = 5000; // the overview's refresh while the tab is visible
const HIDDEN_POLL_MS = 60000;

// app is what the views may use of the page: the last queue status, a way
// to refresh it at once after an action, and resume for a paused instance.
const app = {queue: null, refresh: () => poll(), resume: () => resume()};

let signedIn = false;
let timer = 0;
let viewTimer = 0;

function showLogin(message) {
  signedIn = false;
  clearTimeout(timer);
  clearTimeout(viewTimer);
  for (const id of ['tabs', 'queue-actions', 'sending']) $('#' + id).hidden = true;
  $$('.view').forEach((v) => { v.hidden = true; });
  fill($('#alerts'));
  $('#login').hidden = false;
  $('#login-error').textContent = message || '';
  $('#key').focus();
}

async function login(e) {
  e.preventDefault();
  auth.set($('#key').value.trim());
  try {
    await get('/v1/queue');
  } catch (err) {
    auth.clear();
    showLogin(err.status === 401 ? 'That key was refused. Check WAQ_API_KEY and try again.' : err.message);
    return;
  }
  $('#key').value = '';
  enter();
}

function enter() {
  signedIn = true;
  $('#login').hidden = true;
  $('#tabs').hidden = false;
  $('#queue-actions').hidden = false;
  $('#logout').hidden = !auth.required;
  route();
  poll();
}

// poll reads the queue and the health, shows them, and comes back in a few
// seconds: setTimeout rather than setInterval, so that a slow answer never
// piles requests up.
async function poll() {
  clearTimeout(timer);
  if (!signedIn) return;
  await guard(async () => {
    const [q, health] = await Promise.all([get('/v1/queue'), get('/healthz')]);
    app.queue = q;
    header(q, health);
    if (current === 'overview') overview.update(q);
    const t = $('#updated');
    t.classList.remove('error');
    t.textContent = 'Updated ' + clock(new Date()) + ' (' + TZ + ')';
  }, (e) => {
    const t = $('#updated');
    t.classList.add('error');
    t.textContent = 'Not updated: ' + e.message;
  });
  if (signedIn) timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
}

// header shows whether waq sends, the queue actions that fit, the DLQ size
// and the alerts of /healthz.
function header(q, health) {
  const instancePaused = q.instances.some((i) => i.state === 'paused');
  const st = $('#sending');
  st.hidden = false;
  st.className = 'state ' + (q.paused ? 'paused' : instancePaused ? 'warn' : 'active');
  st.textContent = q.paused ? 'Paused' : instancePaused ? 'Sending, an instance paused' : 'Sending';
  $('#pause').hidden = q.paused;
  $('#resume').hidden = !q.paused && !instancePaused;
  $('#dlq-count').textContent = q.counts.dead ? num(q.counts.dead) : '';
  $('#version').textContent = health.version || '';
  fill($('#alerts'), health.alerts.map((a) => h('li', {class: 'alert ' + a.kind, text: (a.instance ? a.instance + ' ' : '') + a.message})));
}

async function queueAction(path, title, text, ok, done, danger = false) {
  if (!(await confirm(title, text, ok, danger))) return;
  await guard(async () => {
    const r = await post(path);
    toast(done(r));
    await poll();
    if (current !== 'overview') views[current].reload?.();
  }, fail);
}

function pause() {
  return queueAction('/v1/queue/pause', 'Pause sending?',
    'Nothing is sent until you resume; new messages are still accepted and wait in the queue.',
    'Pause', () => 'Sending paused');
}

function resume() {
  return queueAction('/v1/queue/resume', 'Resume sending?',
    'The queue and every paused instance start sending again.', 'Resume', () => 'Sending resumed');
}

function drain() {
  const c = app.queue ? app.queue.counts : {};
  const n = (c.queued || 0) + (c.scheduled || 0) + (c.retrying || 0);
  return queueAction('/v1/queue/drain', 'Drain the queue?',
    `This cancels every queued, scheduled and retrying message (${num(n)} now). They are not sent and cannot be brought back.`,
    'Drain', (r) => `Drained: ${num(r.removed)} cancelled`, true);
}

let current = '';

// route shows the view the address names: #/overview, #/messages?status=...,
// #/message/<id>, #/dlq or #/analytics.
function route() {
  if (!signedIn) return;
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, qs] = raw.split('?');
  const [name, ...rest] = path.split('/');
  current = views[name] ? name : 'overview';
  for (const [v] of Object.entries(views)) $('#view-' + v).hidden = v !== current;
  const tab = current === 'message' ? 'messages' : current;
  $$('#tabs a').forEach((a) => {
    if (a.dataset.view !== tab) {
      a.removeAttribute('aria-current');
      return;
    }
    a.setAttribute('aria-current', 'page');
    // On a phone the tabs scroll sideways: bring the current one in sight
    // without scrolling the page itself, as scrollIntoView would.
    const nav = $('#tabs');
    nav.scrollLeft = a.offsetLeft - (nav.clientWidth - a.clientWidth) / 2;
  });
  views[current].show($('#view-' + current), {arg: decodeURIComponent(rest.join('/')), params: new URLSearchParams(qs)}, app);
  refit();
  refreshView();
}

// refreshView has the view in sight read its data again in place, every
// view.every milliseconds while the tab is visible: setTimeout after each
// answer, so a slow waq never piles requests up. A hidden tab asks nothing;
// it refreshes at once when it comes back.
function refreshView(now = false) {
  clearTimeout(viewTimer);
  const v = views[current];
  if (!signedIn || document.hidden || !v || !v.every || !v.refresh) return;
  const go = async () => {
    const was = current;
    await v.refresh();
    if (was === current) refreshView();
  };
  if (now) go();
  else viewTimer = setTimeout(go, v.every);
}

// keys are the page's shortcuts; they leave fields, dialogs and modified
// keys alone.
function keys(e) {
  if (!signedIn || e.ctrlKey || e.metaKey || e.altKey || $('#confirm').open) return;
  if (e.target.closest && e.target.closest('input, select, textarea')) return;
  if (e.key >= '1' && e.key <= String(TABS.length)) location.hash = '#/' + TABS[e.key - 1];
  else if (e.key === '/') {
    e.preventDefault();
    if (current !== 'messages') location.hash = '#/messages';
    setTimeout(() => $('#q-to')?.focus(), 0);
  } else if (e.key === 'r') {
    poll();
    if (views[current].refresh) refreshView(true);
    else views[current].reload?.();
  }
}

function start() {
  whenUnauthorized(() => {
    auth.clear();
    showLogin('The key was refused; sign in again.');
  });
  $('#login-form').addEventListener('submit', login);
  $('#pause').addEventListener('click', pause);
  $('#resume').addEventListener('click', resume);
  $('#drain').addEventListener('click', drain);
  $('#logout').addEventListener('click', () => { auth.clear(); showLogin('Signed out.'); });
  window.addEventListener('hashchange', route);
  document.addEventListener('keydown', keys);
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(viewTimer);
      return;
    }
    poll();
    refreshView(true);
  });
  // /healthz needs no key, so the sign-in form can say which waq it is.
  guard(async () => { $('#version').textContent = (await get('/healthz')).version; }, () => {});
  if (auth.required && !auth.key) showLogin();
  else enter();
}

start();
