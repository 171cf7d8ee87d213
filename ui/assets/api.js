// api.js: every request of the page goes through here, to waq's /v1 API,
// with the API key from the tab's session storage. The page has no other way
// to change anything, so what it does an operator can also do with curl.

const KEY = 'waq.key';

// auth knows whether this waq wants a key (the server says so in the page's
// data-auth attribute, so the page need not provoke a 401 to find out) and
// keeps the key for the life of the tab only.
export const auth = {
  required: document.documentElement.dataset.auth === 'key',
  get key() { return sessionStorage.getItem(KEY) || ''; },
  set(key) { sessionStorage.setItem(KEY, key); },
  clear() { sessionStorage.removeItem(KEY); },
};

// APIError is an error answer of the API: its status, code, message and
// field as the API's {"error": {...}} says, or status 0 when waq did not
// answer at all.
export class APIError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || '';
  }
}

let unauthorized = () => {};

// whenUnauthorized sets what to do when the API refuses the key: the app
// goes back to its sign-in form.
export function whenUnauthorized(f) { unauthorized = f; }

// api sends one request and returns the decoded answer, or throws an
// APIError.
export async function api(method, path, body) {
  const headers = {Accept: 'application/json'};
  if (auth.key) headers.Authorization = 'Bearer ' + auth.key;
  const init = {method, headers, cache: 'no-store'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new APIError(0, 'network', 'waq does not answer (' + e.message + ')');
  }
  const data = await res.json().catch(() => null);
  if (res.ok) return data;
  const e = (data && data.error) || {};
  const err = new APIError(res.status, e.code || 'http_' + res.status, e.message || res.statusText, e.field);
  if (res.status === 401) unauthorized(err);
  throw err;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const del = (path) => api('DELETE', path);

// query builds a query string from the non-empty values of params.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v != null) q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// iso writes a time for the API: RFC 3339 in UTC, to the second.
export const iso = (d) => d.toISOString().replace(/\.\d+Z$/, 'Z');

let statsProbe = null;

// statsAvailable asks once whether the analytics routes have landed: a 501
// from /v1/stats/messages means they have not, and the page then hides its
// analytics panels instead of asking again and again. Any other answer,
// even an error, means they exist (the panels show the error).
export function statsAvailable() {
  if (!statsProbe) {
    const to = new Date();
    const from = new Date(to - 3600e3);
    statsProbe = get('/v1/stats/messages' + query({from: iso(from), to: iso(to)}))
      .then(() => true, (e) => {
        if (e.status === 401 || e.status === 0) statsProbe = null; // ask again once signed in or back
        return e.status !== 501;
      });
  }
  return statsProbe;
}

// guard runs an action of the page and reports its failure to report, so
// that no promise is left rejected (which the console would show) and a
// refused key only sends the page back to its sign-in form.
export async function guard(action, report) {
  try {
    return await action();
  } catch (e) {
    if (!(e instanceof APIError)) {
      console.error(e); // a bug of the page: the tests fail on it
      e = new APIError(0, 'page', String((e && e.message) || e));
    }
    if (e.status !== 401) report(e);
    return undefined;
  }
}
