import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, tokenOf } from '../api.js';
import { Drawer, Loading, Page, Table, formValues, useApi } from '../components.js';
import { count, day, money, shortToken, when } from '../format.js';

const FILTERS = [
  ['api_key', 'Key (or token)'], ['team_id', 'Team'], ['user_id', 'User'], ['model', 'Model'],
];

// One API call per page of rows: /spend/logs with the filters and the cursor of the page.
// ownOnly: a virtual key's view, where the gateway itself limits the rows to that key.
export function Logs({ ownOnly = false, initial = {} }) {
  const [filters, setFilters] = useState({ start_date: day(-6), end_date: day(0), ...initial });
  const [cursors, setCursors] = useState([null]);
  const [detail, setDetail] = useState(null);
  const cursor = cursors[cursors.length - 1];
  const state = useApi(() => api('/spend/logs', { query: { ...filters, cursor, limit: 50 } }), [JSON.stringify(filters), cursor]);
  const [error, setError] = useState(null);
  const apply = async (e) => {
    e.preventDefault();
    const values = formValues(e.currentTarget);
    try {
      if (values.api_key) values.api_key = await tokenOf(values.api_key);
      setError(null);
      setFilters(values);
      setCursors([null]);
    } catch (err) {
      setError(err);
    }
  };
  const fields = ownOnly ? [] : FILTERS;
  return html`<${Page} title=${ownOnly ? 'My calls' : 'Logs'}>
    <form class="filters" onSubmit=${apply} aria-label="Filter the logs">
      ${fields.map(([name, label]) => html`<div class="field"><label for=${`lf-${name}`}>${label}</label>
        <input id=${`lf-${name}`} name=${name} value=${filters[name] ?? ''} /></div>`)}
      <div class="field"><label for="lf-start">From</label><input id="lf-start" name="start_date" type="date" value=${filters.start_date} /></div>
      <div class="field"><label for="lf-end">To</label><input id="lf-end" name="end_date" type="date" value=${filters.end_date} /></div>
      <button type="submit" class="primary">Apply</button>
    </form>
    ${error ? html`<p class="error" role="alert">${error.message}</p>` : null}
    <${Loading} state=${state}>${(page) => html`
      <${Table} caption="Spend logs, newest first" rows=${page.data} rowKey=${(r) => r.id} empty="No calls match."
        columns=${[
          { label: 'Time (UTC)', render: (r) => when(r.start_time) },
          { label: 'Key', render: (r) => r.key_alias ?? shortToken(r.api_key) },
          { label: 'Team', render: (r) => r.team_id ?? '' },
          { label: 'Model', render: (r) => r.model_group ?? r.model },
          { label: 'Status', render: (r) => html`<span class=${`status ${r.status}`}>${r.status}</span>` },
          { label: 'Tokens', num: true, render: (r) => count(r.total_tokens) },
          { label: 'Cost', num: true, render: (r) => money(r.spend) },
          { label: 'Detail', render: (r) => html`<button type="button" class="link" onClick=${() => setDetail(r)}
              aria-label=${`Details of ${r.id}`}>View</button>` },
        ]} />
      <nav class="pager" aria-label="Log pages">
        <button type="button" disabled=${cursors.length === 1} onClick=${() => setCursors(cursors.slice(0, -1))}>Newer</button>
        <span>Page ${cursors.length}</span>
        <button type="button" disabled=${!page.next_cursor} onClick=${() => setCursors([...cursors, page.next_cursor])}>Older</button>
      </nav>`}
    <//>
    <${Drawer} title="Call detail" open=${detail !== null} onClose=${() => setDetail(null)}>
      ${detail ? html`<p class="muted">Request and response bodies appear here only when the gateway stores them
        (general_settings.store_prompts_in_spend_logs).</p><pre class="json">${JSON.stringify(detail, null, 2)}</pre>` : null}
    <//>
  <//>`;
}
