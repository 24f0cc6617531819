// The console's only way to reach mqbridge: the management API under /api/v5, with the bearer
// token of the signed-in user. The token lives in memory only (a reload signs out). A 401 that
// says the token is unknown or expired ends the session: the shell returns to the sign-in form
// with the reason. Every other error is thrown as an ApiError carrying EMQX's code and the
// server's message, for the page to show in words.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let session = null;  // { token, username, role, expiresAt (ms) }
let onSessionEnd = () => {};
let expiryTimer = null;

export function setSessionEndHandler(f) {
  onSessionEnd = f;
}

export function currentSession() {
  return session;
}

export function canWrite() {
  return session !== null && session.role === 'administrator';
}

function endSession(reason) {
  session = null;
  if (expiryTimer) clearTimeout(expiryTimer);
  expiryTimer = null;
  onSessionEnd(reason);
}

export async function login(username, password) {
  const body = await request('POST', '/api/v5/login', { username, password }, { anonymous: true });
  const expiresAt = Date.parse(body.expires_at);
  session = { token: body.token, username, role: body.role, version: body.version, expiresAt };
  if (expiryTimer) clearTimeout(expiryTimer);
  if (Number.isFinite(expiresAt)) {
    // setTimeout takes at most 2^31-1 ms; a longer expiry is caught by the 401 instead.
    const ms = Math.min(Math.max(expiresAt - Date.now(), 0), 2147483647);
    expiryTimer = setTimeout(() => endSession('Your session has expired. Sign in again.'), ms);
  }
  return session;
}

export async function logout() {
  try {
    await request('POST', '/api/v5/logout');
  } finally {
    endSession('');
  }
}

// Sends one request. `body` (an object) is sent as JSON. Resolves to the parsed JSON answer, or
// null for 204. Rejects with ApiError.
export async function request(method, path, body, { anonymous = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (!anonymous && session) headers.Authorization = 'Bearer ' + session.token;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'NETWORK', 'mqbridge did not answer: ' + e.message);
  }
  const text = await res.text();
  let json = null;
  if (text.length > 0) {
    try {
      json = JSON.parse(text);
    } catch {
      if (!res.ok) throw new ApiError(res.status, 'HTTP_' + res.status, text.slice(0, 300));
      throw new ApiError(res.status, 'BAD_ANSWER', 'the answer is not JSON: ' + text.slice(0, 200));
    }
  }
  if (res.ok) return json;
  const code = (json && json.code) || 'HTTP_' + res.status;
  const message = (json && json.message) || res.statusText || 'request failed';
  if (!anonymous && res.status === 401 && (code === 'BAD_TOKEN' || code === 'TOKEN_TIME_OUT')) {
    endSession(code === 'TOKEN_TIME_OUT' ? 'Your session has expired. Sign in again.'
                                         : 'Your session has ended. Sign in again.');
  }
  throw new ApiError(res.status, code, message);
}

export const get = (p) => request('GET', p);
export const post = (p, b) => request('POST', p, b);
export const put = (p, b) => request('PUT', p, b);
export const del = (p) => request('DELETE', p);

// Names are letters, digits, _ and -, so they need no encoding.
export const objectPath = (plural, name) => `/api/v5/${plural}/mqtt:${name}`;
export const rulePath = (id) => `/api/v5/rules/${encodeURIComponent(id)}`;
