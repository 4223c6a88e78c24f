import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './styles.css';
import { ApiError, session, signIn } from './api.js';
import { Alerts } from './pages/alerts.js';
import { Customers } from './pages/customers.js';
import { KeyDetail, MyUsage } from './pages/key-detail.js';
import { Keys } from './pages/keys.js';
import { Logs } from './pages/logs.js';
import { Models } from './pages/models.js';
import { Overview } from './pages/overview.js';
import { Teams } from './pages/teams.js';
import { Users } from './pages/users.js';

const MASTER_PAGES = [
  ['overview', 'Overview'], ['keys', 'Keys'], ['teams', 'Teams'], ['users', 'Users'], ['customers', 'End users'],
  ['logs', 'Logs'], ['models', 'Models'], ['alerts', 'Alerts'],
];
const KEY_PAGES = [['me', 'My usage'], ['logs', 'My calls']];

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash.replace(/^#\/?/, '').split('/');
}

function SignIn({ onSignedIn }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    const key = e.currentTarget.key.value.trim();
    setBusy(true);
    try {
      const role = await signIn(key);
      session.save(key, role);
      location.hash = role === 'master' ? '#/overview' : '#/me';
      onSignedIn();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? 'The gateway refused this key.' : err.message);
    } finally {
      setBusy(false);
    }
  };
  return html`<main id="main" class="signin">
    <form onSubmit=${submit} aria-labelledby="signin-title">
      <h1 id="signin-title">Gateway console</h1>
      <p class="muted">Sign in with the master key for the whole console, or with a virtual key to see its own usage.</p>
      <div class="field"><label for="key">Key</label>
        <input id="key" name="key" type="password" autocomplete="off" required placeholder="sk-…" /></div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : null}
      <button type="submit" class="primary" disabled=${busy}>Sign in</button>
      <p class="muted small">The key stays in this tab's session storage and is sent only as a bearer header.</p>
    </form>
  </main>`;
}

function Route({ role, parts }) {
  const [page, arg] = parts;
  if (role !== 'master') return page === 'logs' ? html`<${Logs} ownOnly=${true} />` : html`<${MyUsage} />`;
  switch (page) {
    case 'keys': return arg ? html`<${KeyDetail} token=${arg} />` : html`<${Keys} />`;
    case 'teams': return html`<${Teams} />`;
    case 'users': return html`<${Users} />`;
    case 'customers': return html`<${Customers} />`;
    case 'logs': return html`<${Logs} />`;
    case 'models': return html`<${Models} />`;
    case 'alerts': return html`<${Alerts} />`;
    default: return html`<${Overview} />`;
  }
}

function App() {
  const [signedIn, setSignedIn] = useState(Boolean(session.key));
  const parts = useHash();
  // Each page change moves focus to its heading, so keyboard and screen-reader users land on the new content.
  useEffect(() => { document.getElementById('page-title')?.focus(); }, [parts.join('/')]);
  if (!signedIn) return html`<${SignIn} onSignedIn=${() => setSignedIn(true)} />`;
  const role = session.role;
  const pages = role === 'master' ? MASTER_PAGES : KEY_PAGES;
  const current = parts[0] || pages[0][0];
  const signOut = () => { session.clear(); location.hash = ''; setSignedIn(false); };
  return html`<a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById('main').focus(); }}>Skip to content</a>
    <header class="top">
      <span class="brand">Gateway console</span>
      <nav aria-label="Pages"><ul>
        ${pages.map(([id, label]) => html`<li><a href=${`#/${id}`} aria-current=${current === id ? 'page' : undefined}>${label}</a></li>`)}
      </ul></nav>
      <span class="who">${role === 'master' ? 'Master key' : 'Virtual key (read-only)'}</span>
      <button type="button" onClick=${signOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1"><${Route} role=${role} parts=${parts} /></main>`;
}

render(html`<${App} />`, document.getElementById('app'));
