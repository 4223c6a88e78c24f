import { html } from 'htm/preact';
import { api } from '../api.js';
import { SpendChart } from '../chart.js';
import { BudgetBar, Loading, Page, Stat, Table, useApi } from '../components.js';
import { count, day, money, percent, shortToken } from '../format.js';

const rankColumns = (label, name) => [
  { label, render: name },
  { label: 'Spend', num: true, render: (r) => money(r.spend) },
  { label: 'Requests', num: true, render: (r) => count(r.requests) },
];

// One API call: /global/spend/summary holds every figure of this page.
export function Overview() {
  const state = useApi(() => api('/global/spend/summary', { query: { start_date: day(-29), end_date: day(0), limit: 5 } }), []);
  return html`<${Page} title="Overview">
    <${Loading} state=${state}>${(s) => html`
      <div class="stats">
        <${Stat} label="Spend today" value=${money(s.today.spend)} />
        <${Stat} label="Spend this month" value=${money(s.month.spend)} />
        <${Stat} label="Requests (30 days)" value=${count(s.range.requests)} />
        <${Stat} label="Error rate (30 days)" value=${percent(s.range.failures, s.range.requests)} />
      </div>
      <section class="card" aria-labelledby="chart-title">
        <h2 id="chart-title">Spend by day and model</h2>
        <${SpendChart} days=${s.daily} start=${s.start_date} end=${s.end_date} label=${`Spend by day and model from ${s.start_date} to ${s.end_date}; ${money(s.range.spend)} in all`} />
      </section>
      <section class="card" aria-labelledby="budgets-title">
        <h2 id="budgets-title">Closest to their budget</h2>
        ${s.budgets.length === 0 ? html`<p class="muted">No key or team with a budget has spent yet.</p>`
          : s.budgets.map((b) => html`<${BudgetBar} label=${`${b.type === 'key' ? 'Key' : 'Team'} ${b.label ?? shortToken(b.id)}`}
              spend=${b.spend} max=${b.max_budget} note=${b.budget_duration ? `resets every ${b.budget_duration}` : null} />`)}
      </section>
      <div class="grid3">
        <${Table} caption="Top keys" rows=${s.top_keys} columns=${rankColumns('Key', (r) => r.label ?? shortToken(r.name))} />
        <${Table} caption="Top teams" rows=${s.top_teams} columns=${rankColumns('Team', (r) => r.label ?? r.name)} />
        <${Table} caption="Top models" rows=${s.top_models} columns=${rankColumns('Model', (r) => r.name)} />
      </div>`}
    <//>
  <//>`;
}
