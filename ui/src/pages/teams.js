import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { Confirm, Field, FormModal, Loading, Page, Table, useApi } from '../components.js';
import { money } from '../format.js';
import { LimitFields, limitBody, modelsBody } from './limits.js';

// One API call: the teams (few by design: the store lists them whole), each with its members.
export function Teams() {
  const state = useApi(() => api('/team/list'), []);
  const [form, setForm] = useState(null); // { mode: 'new' | 'edit' | 'member', team }
  const [deleting, setDeleting] = useState(null);
  const [error, setError] = useState(null);
  const done = () => { setForm(null); state.reload(); };
  const act = (fn) => async () => { try { setError(null); await fn(); state.reload(); } catch (e) { setError(e); } };
  const submit = {
    new: async (v) => { await post('/team/new', { team_id: v.team_id || undefined, team_alias: v.team_alias || undefined, models: modelsBody(v.models), ...limitBody(v) }); done(); },
    edit: async (v) => { await post('/team/update', { team_id: form.team.team_id, ...limitBody(v) }); done(); },
    member: async (v) => { await post('/team/member_add', { team_id: form.team.team_id, member: { user_id: v.user_id, role: v.role } }); done(); },
  };
  return html`<${Page} title="Teams" actions=${html`<button type="button" class="primary" onClick=${() => setForm({ mode: 'new' })}>Create team</button>`}>
    ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
    <${Loading} state=${state}>${(teams) => html`
      <${Table} caption=${`Teams (${teams.length})`} rows=${teams} rowKey=${(t) => t.team_id} empty="No teams."
        columns=${[
          { label: 'Team', render: (t) => t.team_alias ? `${t.team_alias} (${t.team_id})` : t.team_id },
          { label: 'Budget', num: true, render: (t) => (t.max_budget == null ? 'none' : money(t.max_budget)) },
          { label: 'Models', render: (t) => (t.models.length ? t.models.join(', ') : 'all') },
          { label: 'Members', render: (t) => html`${t.members_with_roles.map((m) => html`<span class="chip">${m.user_id ?? m.user_email} (${m.role})
              <button type="button" class="link" aria-label=${`Remove ${m.user_id ?? m.user_email} from ${t.team_id}`}
                onClick=${act(() => post('/team/member_delete', { team_id: t.team_id, user_id: m.user_id, user_email: m.user_id ? undefined : m.user_email }))}>×</button></span>`)}
              <button type="button" class="link" onClick=${() => setForm({ mode: 'member', team: t })}>Add member</button>` },
          { label: 'State', render: (t) => (t.blocked ? html`<span class="status failure">blocked</span>` : html`<span class="status success">active</span>`) },
          { label: 'Actions', render: (t) => html`<div class="actions-row">
              <button type="button" onClick=${() => setForm({ mode: 'edit', team: t })}>Edit</button>
              <button type="button" onClick=${act(() => post(t.blocked ? '/team/unblock' : '/team/block', { team_id: t.team_id }))}>${t.blocked ? 'Unblock' : 'Block'}</button>
              <button type="button" class="danger" onClick=${() => setDeleting(t)}>Delete</button></div>` },
        ]} />`}
    <//>
    <${FormModal} title="Create team" open=${form?.mode === 'new'} onClose=${() => setForm(null)} submit=${submit.new} submitLabel="Create">
      <${Field} label="Team id" name="team_id" help="empty: a new UUID" />
      <${Field} label="Team alias" name="team_alias" />
      <${Field} label="Models" name="models" help="comma-separated; empty: every model" />
      <${LimitFields} />
    <//>
    <${FormModal} title=${`Edit team ${form?.team?.team_id ?? ''}`} open=${form?.mode === 'edit'} onClose=${() => setForm(null)} submit=${submit.edit}>
      <${LimitFields} value=${form?.team} />
    <//>
    <${FormModal} title=${`Add a member to ${form?.team?.team_id ?? ''}`} open=${form?.mode === 'member'} onClose=${() => setForm(null)} submit=${submit.member} submitLabel="Add">
      <${Field} label="User id" name="user_id" required=${true} />
      <div class="field"><label for="f-role">Role</label><select id="f-role" name="role"><option value="user">user</option><option value="admin">admin</option></select></div>
    <//>
    <${Confirm} open=${deleting !== null} text=${`Delete team ${deleting?.team_id}? Its keys are deleted with it.`} action="Delete team"
      onConfirm=${async () => { await post('/team/delete', { team_ids: [deleting.team_id] }); state.reload(); }} onClose=${() => setDeleting(null)} />
  <//>`;
}
