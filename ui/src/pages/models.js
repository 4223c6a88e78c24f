import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, post } from '../api.js';
import { Loading, Page, Table, useApi } from '../components.js';
import { count } from '../format.js';

const perMillion = (v) => (v == null ? '' : `$${(Number(v) * 1e6).toFixed(2)}`);

// Two API calls: the configured deployments (/model/info) and the router's live state (/router/deployments).
export function Models() {
  const state = useApi(async () => {
    const [info, live] = await Promise.all([api('/model/info'), api('/router/deployments')]);
    const byId = new Map(live.data.map((d) => [d.id, d]));
    return { strategy: live.routing_strategy, rows: info.data.map((m) => ({ ...m, live: byId.get(m.model_info?.id) })) };
  }, []);
  const [tests, setTests] = useState({});
  const test = async (group) => {
    setTests((t) => ({ ...t, [group]: 'Sending…' }));
    const started = performance.now();
    try {
      const r = await post('/v1/chat/completions', { model: group, messages: [{ role: 'user', content: 'Say OK.' }], max_tokens: 5 });
      const ms = Math.round(performance.now() - started);
      setTests((t) => ({ ...t, [group]: `OK in ${ms} ms: ${r.choices?.[0]?.message?.content ?? ''}` }));
    } catch (e) {
      setTests((t) => ({ ...t, [group]: `Failed: ${e.message}` }));
    }
  };
  return html`<${Page} title="Models">
    <${Loading} state=${state}>${(s) => html`
      <p class="muted">Routing strategy: ${s.strategy}</p>
      <${Table} caption="Model groups and their deployments" rows=${s.rows} rowKey=${(r) => r.model_info?.id}
        columns=${[
          { label: 'Group', render: (r) => r.model_name },
          { label: 'Deployment', render: (r) => r.litellm_params?.model },
          { label: 'Input $/1M', num: true, render: (r) => perMillion(r.model_info?.input_cost_per_token) },
          { label: 'Output $/1M', num: true, render: (r) => perMillion(r.model_info?.output_cost_per_token) },
          { label: 'Limits', render: (r) => [r.litellm_params?.rpm && `${r.litellm_params.rpm} rpm`, r.litellm_params?.tpm && `${r.litellm_params.tpm} tpm`].filter(Boolean).join(', ') || 'none' },
          { label: 'Health', render: (r) => !r.live ? '' : r.live.available
              ? html`<span class="status success">available</span>`
              : html`<span class="status failure">cooling down until ${r.live.cooldown_until}</span>` },
          { label: 'This minute', num: true, render: (r) => r.live ? `${count(r.live.calls_this_minute)} calls, ${count(r.live.failures_this_minute)} failed` : '' },
          { label: 'Test', render: (r) => html`<button type="button" onClick=${() => test(r.model_name)}
              aria-label=${`Send a test call to ${r.model_name}`}>Test</button>
              <span role="status" class="muted">${tests[r.model_name] ?? ''}</span>` },
        ]} />`}
    <//>
  <//>`;
}
