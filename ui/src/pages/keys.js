import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { Confirm, Field, FormModal, Loading, Modal, Page, SecretOnce, Table, useApi } from '../components.js';
import { money, shortToken } from '../format.js';
import { LimitFields, limitBody, modelsBody } from './limits.js';

const SIZE = 20;

// Two API calls at most: one page of keys, and the teams for the create form's choice.
export function Keys() {
  const [page, setPage] = useState(1);
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState(null);
  const state = useApi(() => api('/key/list', { query: { page, size: SIZE, return_full_object: 'true', key_alias: search } }), [page, search]);
  const teams = useApi(() => api('/team/list'), []);
  const create = async (v) => {
    const body = { key_alias: v.key_alias || undefined, team_id: v.team_id || undefined, models: modelsBody(v.models), ...limitBody(v) };
    const created = await post('/key/generate', body);
    setCreating(false);
    setSecret(created.key);
    state.reload();
  };
  return html`<${Page} title="Keys" actions=${html`<button type="button" class="primary" onClick=${() => setCreating(true)}>Create key</button>`}>
    <form class="filters" role="search" onSubmit=${(e) => { e.preventDefault(); setSearch(e.currentTarget.alias.value.trim()); setPage(1); }}>
      <div class="field"><label for="key-search">Find by alias</label><input id="key-search" name="alias" /></div>
      <button type="submit">Search</button>
    </form>
    <${Loading} state=${state}>${(d) => html`
      <${Table} caption=${`Keys (${d.total_count})`} rows=${d.keys} rowKey=${(k) => k.token} empty="No keys."
        columns=${[
          { label: 'Alias', render: (k) => html`<a href=${`#/keys/${k.token}`}>${k.key_alias ?? k.key_name ?? shortToken(k.token)}</a>` },
          { label: 'Key', render: (k) => html`<code>${k.key_name ?? shortToken(k.token)}</code>` },
          { label: 'Team', render: (k) => k.team_id ?? '' },
          { label: 'Models', render: (k) => (k.models.length ? k.models.join(', ') : 'all') },
          { label: 'Budget', num: true, render: (k) => (k.max_budget == null ? 'none' : money(k.max_budget)) },
          { label: 'State', render: (k) => (k.blocked ? html`<span class="status failure">blocked</span>` : html`<span class="status success">active</span>`) },
        ]} />
      <nav class="pager" aria-label="Key pages">
        <button type="button" disabled=${page <= 1} onClick=${() => setPage(page - 1)}>Previous</button>
        <span>Page ${page} of ${Math.max(1, d.total_pages)}</span>
        <button type="button" disabled=${page >= d.total_pages} onClick=${() => setPage(page + 1)}>Next</button>
      </nav>`}
    <//>
    <${FormModal} title="Create key" open=${creating} onClose=${() => setCreating(false)} submit=${create} submitLabel="Create">
      <${Field} label="Alias" name="key_alias" />
      <div class="field"><label for="f-team">Team</label><select id="f-team" name="team_id">
        <option value="">(none)</option>
        ${(teams.data ?? []).map((t) => html`<option value=${t.team_id}>${t.team_alias ?? t.team_id}</option>`)}
      </select></div>
      <${Field} label="Models" name="models" placeholder="gpt-4o, mock" help="comma-separated; empty: every model" />
      <${LimitFields} />
    <//>
    <${Modal} title="Your new key" open=${secret !== null} onClose=${() => setSecret(null)}>
      <${SecretOnce} secret=${secret} onDone=${() => setSecret(null)} />
    <//>
  <//>`;
}
