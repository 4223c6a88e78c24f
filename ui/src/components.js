import { html } from 'htm/preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { money } from './format.js';

// Loads one bounded read; reload() repeats it (after a change). Each page keeps to a handful of these.
export function useApi(load, deps) {
  const [state, setState] = useState({ loading: true, data: null, error: null });
  const run = useCallback(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ loading: false, data, error: null }),
      (error) => live && setState({ loading: false, data: null, error }),
    );
    return () => { live = false; };
  }, deps);
  useEffect(run, [run]);
  return { ...state, reload: run };
}

export function Page({ title, actions, children }) {
  return html`<section class="page" aria-labelledby="page-title">
    <header class="page-head"><h1 id="page-title" tabindex="-1">${title}</h1><div class="actions">${actions}</div></header>
    ${children}
  </section>`;
}

export const ErrorNote = ({ error }) => error ? html`<p class="error" role="alert">${error.message ?? String(error)}</p>` : null;

export function Loading({ state, children }) {
  if (state.error) return html`<${ErrorNote} error=${state.error} />`;
  if (state.loading && !state.data) return html`<p class="muted" aria-live="polite">Loading…</p>`;
  return children(state.data);
}

export function Table({ caption, columns, rows, empty = 'Nothing yet.', rowKey, onRow }) {
  return html`<div class="table-wrap"><table>
    <caption class=${caption ? '' : 'sr-only'}>${caption ?? 'List'}</caption>
    <thead><tr>${columns.map((c) => html`<th scope="col" class=${c.num ? 'num' : ''}>${c.label}</th>`)}</tr></thead>
    <tbody>
      ${rows.length === 0 ? html`<tr><td colspan=${columns.length} class="muted">${empty}</td></tr>` : rows.map((r, i) => html`
        <tr key=${rowKey ? rowKey(r) : i} class=${onRow ? 'clickable' : ''}>
          ${columns.map((c) => html`<td class=${c.num ? 'num' : ''}>${c.render ? c.render(r) : r[c.key]}</td>`)}
        </tr>`)}
    </tbody>
  </table></div>`;
}

export function Stat({ label, value, hint }) {
  return html`<div class="stat"><div class="stat-label">${label}</div><div class="stat-value">${value}</div>${hint ? html`<div class="muted">${hint}</div>` : null}</div>`;
}

export function BudgetBar({ label, spend, max, note }) {
  const used = max > 0 ? Math.min(100, (100 * spend) / max) : 0;
  const level = used >= 90 ? 'high' : used >= 70 ? 'mid' : 'low';
  return html`<div class="budget">
    <div class="budget-text"><span>${label}</span><span>${money(spend)} of ${money(max)}${note ? ` · ${note}` : ''}</span></div>
    <div class="bar" role="meter" aria-label=${`${label} budget used`} aria-valuemin="0" aria-valuemax=${max} aria-valuenow=${spend}
      aria-valuetext=${`${money(spend)} of ${money(max)} (${used.toFixed(0)}%)`}>
      <div class=${`fill ${level}`} style=${{ width: `${used}%` }}></div>
    </div>
  </div>`;
}

// A native modal dialog: focus moves into it, Escape closes it, and focus returns to the opener.
export function Modal({ title, open, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class="modal" aria-labelledby="modal-title" onClose=${onClose} onCancel=${onClose}>
    ${open ? html`<h2 id="modal-title">${title}</h2>${children}` : null}
  </dialog>`;
}

export function Drawer({ title, open, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (open && d && !d.open) d.showModal();
    if (!open && d?.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class="drawer" aria-labelledby="drawer-title" onClose=${onClose} onCancel=${onClose}>
    ${open ? html`<div class="drawer-head"><h2 id="drawer-title">${title}</h2><button type="button" onClick=${onClose}>Close</button></div>${children}` : null}
  </dialog>`;
}

export function Field({ label, name, type = 'text', value, required, placeholder, help, onInput }) {
  const id = `f-${name}`;
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <input id=${id} name=${name} type=${type} value=${value ?? ''} required=${required} placeholder=${placeholder}
      step=${type === 'number' ? 'any' : undefined} aria-describedby=${help ? `${id}-help` : undefined}
      onInput=${onInput ? (e) => onInput(e.currentTarget.value) : undefined} />
    ${help ? html`<small id=${`${id}-help`} class="muted">${help}</small>` : null}
  </div>`;
}

// Reads a submitted form as { name: text }.
export const formValues = (form) => Object.fromEntries(new FormData(form).entries());

// A secret shown once (a new or regenerated key), with a copy button.
export function SecretOnce({ secret, onDone }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try { await navigator.clipboard.writeText(secret); setCopied(true); } catch { setCopied(false); }
  };
  return html`<div class="secret">
    <p>Copy this key now: it is shown only once and cannot be read back.</p>
    <div class="secret-row"><code data-testid="secret">${secret}</code>
      <button type="button" onClick=${copy}>${copied ? 'Copied' : 'Copy'}</button></div>
    <div class="form-actions"><button type="button" class="primary" onClick=${onDone}>Done</button></div>
  </div>`;
}

// Asks before something that cannot be undone.
export function Confirm({ open, text, action, onConfirm, onClose }) {
  const [error, setError] = useState(null);
  const go = async () => {
    try { await onConfirm(); setError(null); onClose(); } catch (e) { setError(e); }
  };
  return html`<${Modal} title="Are you sure?" open=${open} onClose=${onClose}>
    <p>${text}</p><${ErrorNote} error=${error} />
    <div class="form-actions"><button type="button" onClick=${onClose}>Cancel</button>
      <button type="button" class="danger" onClick=${go}>${action}</button></div>
  <//>`;
}

// A form in a modal that posts and reports the API's error message in place.
export function FormModal({ title, open, onClose, submit, submitLabel = 'Save', children }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e) => {
    e.preventDefault();
    setBusy(true);
    try { await submit(formValues(e.currentTarget)); setError(null); } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return html`<${Modal} title=${title} open=${open} onClose=${() => { setError(null); onClose(); }}>
    <form onSubmit=${onSubmit}>
      ${children}
      <${ErrorNote} error=${error} />
      <div class="form-actions"><button type="button" onClick=${onClose}>Cancel</button>
        <button type="submit" class="primary" disabled=${busy}>${submitLabel}</button></div>
    </form>
  <//>`;
}
