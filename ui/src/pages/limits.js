import { html } from 'htm/preact';
import { Field } from '../components.js';
import { list, numberOrNull } from '../format.js';

// The limit fields keys, teams and users share, as form inputs and back as the admin API's body fields.
export function LimitFields({ value = {} }) {
  return html`<div class="field-grid">
    <${Field} label="Max budget (USD)" name="max_budget" type="number" value=${value.max_budget} />
    <${Field} label="Budget duration" name="budget_duration" value=${value.budget_duration} placeholder="30d" help="e.g. 1d, 7d, 1mo; empty: never resets" />
    <${Field} label="Requests per minute" name="rpm_limit" type="number" value=${value.rpm_limit} />
    <${Field} label="Tokens per minute" name="tpm_limit" type="number" value=${value.tpm_limit} />
  </div>`;
}

export function limitBody(v) {
  return {
    max_budget: numberOrNull(v.max_budget),
    budget_duration: v.budget_duration?.trim() || null,
    rpm_limit: numberOrNull(v.rpm_limit),
    tpm_limit: numberOrNull(v.tpm_limit),
  };
}

export const modelsBody = (text) => list(text);
