import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { SpendChart } from '../chart.js';
import { BudgetBar, Confirm, FormModal, Loading, Modal, Page, SecretOnce, Stat, Table, useApi } from '../components.js';
import { count, day, money, shortToken, when } from '../format.js';
import { LimitFields, limitBody } from './limits.js';

const headroom = (limit, used) => (limit == null ? 'no limit' : `${count(Math.max(0, limit - used))} of ${count(limit)} left`);

// Spend by day of one key, as the chart's single series.
const daily = (report) => report.map((d) => ({ day: d.group_by_day, models: [{ model: 'spend', spend: d.groups.reduce((s, g) => s + Number(g.total_spend), 0) }] }));

// The budget, headroom and recent calls of one key. For the master key: three API calls; `own`: the key itself (two).
export function KeyUsage({ token, own = false, onChanged, onLoaded }) {
  const state = useApi(async () => {
    const [info, logs, report] = await Promise.all([
      api('/key/info', { query: own ? {} : { key: token } }),
      api('/spend/logs', { query: { api_key: own ? undefined : token, limit: 10, start_date: day(-29), end_date: day(0) } }),
      own ? Promise.resolve(null) : api('/global/spend/report', { query: { group_by: 'api_key', api_key: token, start_date: day(-29), end_date: day(0) } }),
    ]);
    return { ...info, logs: logs.data, report };
  }, [token, own]);
  useEffect(() => { if (state.data && onLoaded) onLoaded(state.data.info); }, [state.data]);
  return html`<${Loading} state=${state}>${(d) => {
    const k = d.info;
    return html`
      ${k.blocked ? html`<p class="notice" role="status">This key is blocked: its calls are refused.</p>` : null}
      <div class="stats">
        <${Stat} label="Spend in budget window" value=${money(k.spend)} hint=${k.budget_reset_at ? `resets ${when(k.budget_reset_at)}` : null} />
        <${Stat} label="Requests this minute" value=${headroom(k.rpm_limit, k.requests_this_minute)} />
        <${Stat} label="Tokens this minute" value=${headroom(k.tpm_limit, k.tokens_this_minute)} />
      </div>
      <section class="card" aria-labelledby="kb-title"><h2 id="kb-title">Budget</h2>
        ${k.max_budget == null ? html`<p class="muted">No budget: spend is counted but not limited.</p>`
          : html`<${BudgetBar} label=${k.key_alias ?? k.key_name} spend=${k.spend} max=${k.max_budget} note=${k.budget_duration ? `resets every ${k.budget_duration}` : null} />`}
      </section>
      ${d.report ? html`<section class="card" aria-labelledby="kd-title"><h2 id="kd-title">Spend by day</h2>
        <${SpendChart} days=${daily(d.report)} start=${day(-29)} end=${day(0)} label=${`Spend by day of key ${k.key_alias ?? k.key_name}`} /></section>` : null}
      <${Table} caption="Recent calls" rows=${d.logs} rowKey=${(r) => r.id} empty="No calls yet."
        columns=${[
          { label: 'Time (UTC)', render: (r) => when(r.start_time) },
          { label: 'Model', render: (r) => r.model_group ?? r.model },
          { label: 'Status', render: (r) => html`<span class=${`status ${r.status}`}>${r.status}</span>` },
          { label: 'Tokens', num: true, render: (r) => count(r.total_tokens) },
          { label: 'Cost', num: true, render: (r) => money(r.spend) },
        ]} />
      ${onChanged ? html`<${KeyActions} keyInfo=${k} onChanged=${state.reload} onDeleted=${onChanged} />` : null}`;
  }}<//>`;
}

function KeyActions({ keyInfo: k, onChanged, onDeleted }) {
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [secret, setSecret] = useState(null);
  const [error, setError] = useState(null);
  const act = (fn) => async () => { try { setError(null); await fn(); } catch (e) { setError(e); } };
  const save = async (v) => { await post('/key/update', { key: k.token, ...limitBody(v) }); setEditing(false); onChanged(); };
  return html`<div class="actions-row">
    <button type="button" onClick=${() => setEditing(true)}>Edit limits</button>
    <button type="button" onClick=${act(async () => { await post(k.blocked ? '/key/unblock' : '/key/block', { key: k.token }); onChanged(); })}>
      ${k.blocked ? 'Unblock key' : 'Block key'}</button>
    <button type="button" onClick=${act(async () => { const r = await post('/key/regenerate', { key: k.token }); setSecret(r.key); })}>Regenerate</button>
    <button type="button" class="danger" onClick=${() => setDeleting(true)}>Delete</button>
    ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
    <${FormModal} title="Edit limits" open=${editing} onClose=${() => setEditing(false)} submit=${save}>
      <${LimitFields} value=${k} />
    <//>
    <${Confirm} open=${deleting} text=${`Delete key ${k.key_alias ?? k.key_name}? Its calls stop at once.`} action="Delete key"
      onConfirm=${async () => { await post('/key/delete', { keys: [k.token] }); onDeleted(); }} onClose=${() => setDeleting(false)} />
    <${Modal} title="The regenerated key" open=${secret !== null} onClose=${() => { setSecret(null); onDeleted(); }}>
      <${SecretOnce} secret=${secret} onDone=${() => { setSecret(null); onDeleted(); }} />
    <//>
  </div>`;
}

export function KeyDetail({ token }) {
  const [name, setName] = useState(shortToken(token));
  return html`<${Page} title=${`Key ${name}`} actions=${html`<a href="#/keys">All keys</a>`}>
    <${KeyUsage} token=${token} onChanged=${() => { location.hash = '#/keys'; }} onLoaded=${(k) => setName(k.key_alias ?? k.key_name ?? shortToken(token))} />
  <//>`;
}

// A virtual key's own view: read-only.
export function MyUsage() {
  return html`<${Page} title="My usage"><${KeyUsage} own=${true} /><//>`;
}
