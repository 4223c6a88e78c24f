// Talks to the gateway's admin API with the signed-in key as a bearer header. The key lives in sessionStorage only
// (gone when the tab closes) and never goes into a URL.
const STORE = 'gateway.console.key';
const ROLE = 'gateway.console.role';

export const session = {
  get key() { return sessionStorage.getItem(STORE); },
  get role() { return sessionStorage.getItem(ROLE); },
  save(key, role) { sessionStorage.setItem(STORE, key); sessionStorage.setItem(ROLE, role); },
  clear() { sessionStorage.removeItem(STORE); sessionStorage.removeItem(ROLE); },
};

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// The gateway's routes sit beside /ui, so they are resolved against the page's parent: this keeps working when the
// gateway is served under a path prefix.
const base = () => new URL('..', location.href);

export function url(path, query) {
  const u = new URL(path.replace(/^\//, ''), base());
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  return u;
}

export async function api(path, { method = 'GET', query, body, key = session.key } = {}) {
  const headers = { Authorization: `Bearer ${key}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url(path, query), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: reported below */ }
  if (!res.ok) {
    const err = json?.error;
    throw new ApiError(res.status, err?.message ?? `${res.status} ${res.statusText}`, err?.code);
  }
  return json;
}

export const post = (path, body) => api(path, { method: 'POST', body });

// Decides what a key may see: the master key reads /global/spend; a virtual key gets 403 there and sees its own usage.
export async function signIn(key) {
  try {
    await api('/global/spend', { key });
    return 'master';
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) return 'key';
    throw e;
  }
}

// A key pasted into a filter is sent as its token (the SHA-256 the gateway stores), so the secret never lands in a URL
// or an access log. A 64-character lowercase hex value already is a token.
export async function tokenOf(keyOrToken) {
  const v = keyOrToken.trim();
  if (v === '' || /^[0-9a-f]{64}$/.test(v)) return v;
  if (!crypto.subtle) throw new Error('This page is not on HTTPS, so it cannot hash a key: paste the key\'s token instead.');
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(v));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
