import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { Confirm, Field, FormModal, Loading, Page, Table, useApi } from '../components.js';
import { money, numberOrNull } from '../format.js';

// One API call: the end users with a record (those a request names without one are counted but not listed).
export function Customers() {
  const state = useApi(() => api('/customer/list'), []);
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState(null);
  const [error, setError] = useState(null);
  const act = (fn) => async () => { try { setError(null); await fn(); state.reload(); } catch (e) { setError(e); } };
  const create = async (v) => {
    await post('/customer/new', { user_id: v.user_id, alias: v.alias || undefined, max_budget: numberOrNull(v.max_budget), budget_duration: v.budget_duration || undefined });
    setCreating(false);
    state.reload();
  };
  return html`<${Page} title="End users" actions=${html`<button type="button" class="primary" onClick=${() => setCreating(true)}>Create end user</button>`}>
    ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
    <${Loading} state=${state}>${(rows) => html`
      <${Table} caption=${`End users (${rows.length})`} rows=${rows} rowKey=${(c) => c.user_id} empty="No end users with a record."
        columns=${[
          { label: 'End user', render: (c) => (c.alias ? `${c.alias} (${c.user_id})` : c.user_id) },
          { label: 'Budget', num: true, render: (c) => (c.litellm_budget_table?.max_budget == null ? 'none' : money(c.litellm_budget_table.max_budget)) },
          { label: 'Spend', num: true, render: (c) => money(c.spend) },
          { label: 'State', render: (c) => (c.blocked ? html`<span class="status failure">blocked</span>` : html`<span class="status success">active</span>`) },
          { label: 'Actions', render: (c) => html`<div class="actions-row">
              <button type="button" onClick=${act(() => post(c.blocked ? '/customer/unblock' : '/customer/block', { user_ids: [c.user_id] }))}>${c.blocked ? 'Unblock' : 'Block'}</button>
              <button type="button" class="danger" onClick=${() => setDeleting(c)}>Delete</button></div>` },
        ]} />`}
    <//>
    <${FormModal} title="Create end user" open=${creating} onClose=${() => setCreating(false)} submit=${create} submitLabel="Create">
      <${Field} label="End user id" name="user_id" required=${true} help="the 'user' value requests send" />
      <${Field} label="Alias" name="alias" />
      <${Field} label="Max budget (USD)" name="max_budget" type="number" />
      <${Field} label="Budget duration" name="budget_duration" placeholder="30d" />
    <//>
    <${Confirm} open=${deleting !== null} text=${`Delete end user ${deleting?.user_id}?`} action="Delete end user"
      onConfirm=${async () => { await post('/customer/delete', { user_ids: [deleting.user_id] }); state.reload(); }} onClose=${() => setDeleting(null)} />
  <//>`;
}
