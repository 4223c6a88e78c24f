export function money(v) {
  const n = Number(v ?? 0);
  if (n !== 0 && Math.abs(n) < 0.01) return `$${n.toPrecision(2)}`;
  return `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export const count = (v) => Number(v ?? 0).toLocaleString('en-US');

export const percent = (part, whole) => (whole ? `${((100 * part) / whole).toFixed(1)}%` : '0.0%');

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toISOString().replace('T', ' ').slice(0, 19);
}

export const shortToken = (t) => (t && t.length > 12 ? `${t.slice(0, 10)}…` : t ?? '');

export function day(offset = 0) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

// A number field of a form: empty means "not set" (null), never 0.
export function numberOrNull(text) {
  const t = String(text ?? '').trim();
  return t === '' ? null : Number(t);
}

export function list(text) {
  const items = String(text ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return items;
}
