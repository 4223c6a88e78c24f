import { html } from 'htm/preact';
import { ApiError, api } from '../api.js';
import { Loading, Page, Table, useApi } from '../components.js';
import { when } from '../format.js';

// The alert history comes with the alerts work (GET /alerts); until the gateway serves it, the page says so.
export function Alerts() {
  const state = useApi(async () => {
    try {
      return { available: true, body: await api('/alerts', { query: { limit: 50 } }) };
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return { available: false };
      throw e;
    }
  }, []);
  return html`<${Page} title="Alerts">
    <${Loading} state=${state}>${(s) => !s.available
      ? html`<p class="notice" role="status">Alerts are not available on this gateway version: it does not serve GET /alerts yet.</p>`
      : html`<${Table} caption="Recent alerts" rows=${s.body.data ?? []} columns=${[
          { label: 'Time (UTC)', render: (r) => when(r.time ?? r.created_at) },
          { label: 'Alert', render: (r) => r.type ?? r.name },
          { label: 'Message', render: (r) => r.message },
        ]} />`}
    <//>
  <//>`;
}
