import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { Confirm, Field, FormModal, Loading, Page, Table, useApi } from '../components.js';
import { money } from '../format.js';
import { LimitFields, limitBody } from './limits.js';

const SIZE = 20;

// One API call: a page of users.
export function Users() {
  const [page, setPage] = useState(1);
  const state = useApi(() => api('/user/list', { query: { page, page_size: SIZE } }), [page]);
  const [form, setForm] = useState(null);
  const [deleting, setDeleting] = useState(null);
  const done = () => { setForm(null); state.reload(); };
  const create = async (v) => {
    await post('/user/new', { user_id: v.user_id || undefined, user_email: v.user_email || undefined, auto_create_key: false, ...limitBody(v) });
    done();
  };
  const edit = async (v) => { await post('/user/update', { user_id: form.user.user_id, ...limitBody(v) }); done(); };
  return html`<${Page} title="Users" actions=${html`<button type="button" class="primary" onClick=${() => setForm({ mode: 'new' })}>Create user</button>`}>
    <${Loading} state=${state}>${(d) => html`
      <${Table} caption=${`Users (${d.total})`} rows=${d.users} rowKey=${(u) => u.user_id} empty="No users."
        columns=${[
          { label: 'User', render: (u) => u.user_id },
          { label: 'Email', render: (u) => u.user_email ?? '' },
          { label: 'Budget', num: true, render: (u) => (u.max_budget == null ? 'none' : money(u.max_budget)) },
          { label: 'Spend', num: true, render: (u) => money(u.spend) },
          { label: 'Actions', render: (u) => html`<div class="actions-row">
              <button type="button" onClick=${() => setForm({ mode: 'edit', user: u })}>Edit</button>
              <button type="button" class="danger" onClick=${() => setDeleting(u)}>Delete</button></div>` },
        ]} />
      <nav class="pager" aria-label="User pages">
        <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous</button>
        <span>Page ${page} of ${Math.max(1, d.total_pages)}</span>
        <button type="button" disabled=${page >= d.total_pages} onClick=${() => setPage(page + 1)}>Next</button>
      </nav>`}
    <//>
    <${FormModal} title="Create user" open=${form?.mode === 'new'} onClose=${() => setForm(null)} submit=${create} submitLabel="Create">
      <${Field} label="User id" name="user_id" help="empty: a new UUID" />
      <${Field} label="Email" name="user_email" type="email" />
      <${LimitFields} />
    <//>
    <${FormModal} title=${`Edit user ${form?.user?.user_id ?? ''}`} open=${form?.mode === 'edit'} onClose=${() => setForm(null)} submit=${edit}>
      <${LimitFields} value=${form?.user} />
    <//>
    <${Confirm} open=${deleting !== null} text=${`Delete user ${deleting?.user_id}? Their keys are deleted too.`} action="Delete user"
      onConfirm=${async () => { await post('/user/delete', { user_ids: [deleting.user_id] }); state.reload(); }} onClose=${() => setDeleting(null)} />
  <//>`;
}
