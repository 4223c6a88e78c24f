#!/usr/bin/env node
// Regenerates shared/Core/Pricing/prices.json (our format) from a downloaded copy of LiteLLM's public cost map
// (model_prices_and_context_window.json) and our own choices in catalogue-sources.json, then prints what changed
// against the committed table. Nothing is fetched: pass the downloaded file.
//
//   node tools/catalogue/build-catalogue.mjs --litellm ~/Downloads/model_prices_and_context_window.json          # diff only
//   node tools/catalogue/build-catalogue.mjs --litellm ~/Downloads/model_prices_and_context_window.json --write  # and write it
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const tablePath = join(repo, "shared", "Core", "Pricing", "prices.json");

const args = process.argv.slice(2);
const arg = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const litellmPath = arg("--litellm");
if (!litellmPath) {
  console.error("usage: build-catalogue.mjs --litellm <model_prices_and_context_window.json> [--sources <file>] [--out <file>] [--write]");
  process.exit(2);
}
const sources = JSON.parse(readFileSync(arg("--sources") ?? join(here, "catalogue-sources.json"), "utf8"));
const map = JSON.parse(readFileSync(litellmPath, "utf8"));
const out = arg("--out") ?? tablePath;

// ---- numbers: exact decimal text, never exponent notation, float noise (3.3000000000000003e-06) rounded away ----
export function decimalText(value) {
  const n = typeof value === "string" ? Number(value) : value;
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a price: ${value}`);
  if (n === 0) return "0";
  const [mantissa, exp] = Number(n.toPrecision(12)).toExponential().split("e");
  const digits = mantissa.replace(".", "").replace(/0+$/, "") || "0";
  const point = Number(exp) + 1; // digits before the decimal point
  if (point <= 0) return "0." + "0".repeat(-point) + digits;
  if (point >= digits.length) return digits + "0".repeat(point - digits.length);
  return digits.slice(0, point) + "." + digits.slice(point);
}

// ---- selection ----
const MODES = { chat: "chat", responses: "chat", embedding: "embedding" };
const GEO = ["us.", "eu.", "apac.", "jp.", "au.", "ca.", "us-gov."];
const DATE = /-(20\d{6}|20\d\d-\d\d-\d\d)$/;

const money = (v) => (typeof v === "number" || typeof v === "string") && v !== "" && Number(v) >= 0 ? Number(v) : undefined;
const whole = (v) => Number.isInteger(v) && v > 0 ? v : undefined;

/** Our entry from one cost-map entry (money as numbers; formatted at the end). */
function entryFrom(provider, e, source) {
  const mode = MODES[e.mode];
  const input = money(e.input_cost_per_token), output = money(e.output_cost_per_token) ?? (mode === "embedding" ? 0 : undefined);
  if (!mode || input === undefined || output === undefined) return undefined;
  const x = { provider, mode, input_cost_per_token: input };
  const put = (ours, theirs) => { const v = money(e[theirs]); if (v !== undefined) x[ours] = v; };
  put("cache_creation_input_token_cost", "cache_creation_input_token_cost");
  put("cache_creation_input_token_cost_above_1hr", "cache_creation_input_token_cost_above_1hr");
  put("cache_read_input_token_cost", "cache_read_input_token_cost");
  // A cache write below the input rate (some hosts write 0) means "not charged apart": leave it to the input fallback.
  if (x.cache_creation_input_token_cost < input) delete x.cache_creation_input_token_cost;
  x.output_cost_per_token = output;
  // A reasoning rate equal to the output rate adds nothing: the table falls back to output.
  if (money(e.output_cost_per_reasoning_token) !== undefined && money(e.output_cost_per_reasoning_token) !== output)
    x.output_cost_per_reasoning_token = money(e.output_cost_per_reasoning_token);
  put("cost_per_request", "input_cost_per_request");
  if (whole(e.max_input_tokens)) x.max_input_tokens = e.max_input_tokens;
  const maxOut = whole(e.max_output_tokens) ?? (mode === "chat" ? whole(e.max_tokens) : undefined);
  if (maxOut && mode === "chat") x.max_output_tokens = maxOut;
  const tier = longContext(e);
  if (tier) x.long_context = tier;
  x.source = source;
  return x;
}

/** LiteLLM's flat *_above_<N>k_tokens fields as our one long_context tier (the lowest threshold with both rates). */
function longContext(e) {
  const thresholds = new Set();
  for (const k of Object.keys(e)) { const m = /^input_cost_per_token_above_(\d+)k_tokens$/.exec(k); if (m) thresholds.add(Number(m[1])); }
  for (const k of [...thresholds].sort((a, b) => a - b)) {
    const s = `_above_${k}k_tokens`;
    const input = money(e["input_cost_per_token" + s]), output = money(e["output_cost_per_token" + s]);
    if (input === undefined || output === undefined) continue;
    const t = { above_tokens: k * 1000, input_cost_per_token: input, output_cost_per_token: output };
    for (const f of ["cache_read_input_token_cost", "cache_creation_input_token_cost"]) if (money(e[f + s]) !== undefined) t[f] = money(e[f + s]);
    if (money(e["cache_creation_input_token_cost_above_1hr" + s]) !== undefined) t.cache_creation_input_token_cost_above_1hr = money(e["cache_creation_input_token_cost_above_1hr" + s]);
    return t;
  }
  return undefined;
}

const byProvider = new Map(); // our provider -> Map(id -> entry)
const add = (provider, id, entry) => { if (!byProvider.has(provider)) byProvider.set(provider, new Map()); byProvider.get(provider).set(id, entry); };
const ofProvider = (names) => Object.entries(map).filter(([k, v]) => k !== "sample_spec" && v && names.includes(v.litellm_provider));

for (const [provider, p] of Object.entries(sources.providers)) {
  if (provider === "bedrock" || provider === "azure") continue; // below: they need the other providers first
  for (const [key, e] of ofProvider(p.litellm)) {
    let id = key;
    if (p.prefix) { if (!id.startsWith(p.prefix)) continue; id = id.slice(p.prefix.length); }
    if (p.keep_prefix && !id.startsWith(p.keep_prefix)) continue;
    if (!p.prefix && !p.keep_prefix && (id.includes("/") || id.startsWith("ft:"))) continue; // fine-tunes, regional variants
    if (p.prefix && id.includes("/")) continue;
    const entry = entryFrom(provider, e, p.source);
    if (entry) add(provider, id, entry);
  }
}

// Bedrock: one entry per model at its global (list) price; in-region and geo profiles carry regional_premium.
{
  const p = sources.providers.bedrock;
  const raw = new Map(ofProvider(p.litellm).filter(([k]) => !k.includes("/")));
  const base = (k) => { for (const g of [...GEO, "global."]) if (k.startsWith(g)) return k.slice(g.length); return k; };
  for (const id of new Set([...raw.keys()].map(base))) {
    const global = raw.get("global." + id), inRegion = raw.get(id);
    const geo = GEO.map((g) => raw.get(g + id)).find(Boolean);
    const listed = global ?? inRegion ?? geo;
    const entry = listed && entryFrom("bedrock", listed, p.source);
    if (!entry) continue;
    const dearer = geo ?? inRegion;
    if (global && dearer && money(dearer.input_cost_per_token) > money(global.input_cost_per_token)) {
      entry.regional_premium = Math.round((money(dearer.input_cost_per_token) / money(global.input_cost_per_token) - 1) * 100) / 100;
      moveToEnd(entry, "source");
    }
    add("bedrock", id, entry);
  }
}

// Azure: OpenAI entries price Azure deployments; Data Zone (azure/us/, azure/eu/) adds a premium to those Azure sells.
// Models Azure sells that OpenAI's page does not list get their own entry.
{
  const p = sources.providers.azure, openai = byProvider.get("openai");
  for (const [key, e] of ofProvider(p.litellm)) {
    const rest = key.slice(p.prefix.length);
    const zone = /^(us|eu)\/(.+)$/.exec(rest);
    const name = zone ? zone[2] : rest;
    if (name.includes("/")) continue;
    const twin = openai.get(name) ?? openai.get(name.replace(DATE, ""));
    if (twin) {
      if (twin.regional_premium === undefined) { twin.regional_premium = sources.azure_data_zone_premium; moveToEnd(twin, "source"); }
      continue;
    }
    if (zone) continue;
    const entry = entryFrom("azure", e, p.source);
    if (entry) add("azure", name, entry);
  }
}

function moveToEnd(o, k) { const v = o[k]; delete o[k]; o[k] = v; }

// Manual entries (checked on the provider's page) win over the map.
for (const [id, m] of Object.entries(sources.manual ?? {})) {
  const e = { ...m };
  for (const k of Object.keys(e)) if (/cost|premium/.test(k)) e[k] = Number(e[k]);
  add(e.provider, id, e);
}
// Field corrections checked on the provider's page, where the map lacks a figure or has an older one.
for (const [id, fields] of Object.entries(sources.patch ?? {})) {
  const e = [...byProvider.values()].find((m) => m.has(id))?.get(id);
  if (!e) { console.error(`patch: ${id} is not in the table`); process.exitCode = 1; continue; }
  const { notes, ...values } = fields;
  for (const [k, v] of Object.entries(values)) e[k] = /cost|premium/.test(k) ? Number(v) : v;
  moveToEnd(e, "source");
  e.notes = notes ?? sources.patch_notes;
}
for (const id of sources.exclude ?? []) for (const m of byProvider.values()) m.delete(id);

// Drop a dated or ":N"-versioned id whose undated/unversioned twin has the same figures: the gateway's lookup
// reaches the twin from it anyway, and the table stays readable.
const payload = (e) => JSON.stringify({ ...e, source: undefined, notes: undefined });
for (const m of byProvider.values()) {
  for (const [id, e] of [...m]) {
    const twins = [id.replace(DATE, ""), id.replace(/:\d+$/, ""), id.replace(/:\d+$/, "").replace(DATE, "")];
    if (twins.some((t) => t !== id && m.has(t) && payload(m.get(t)) === payload(e))) m.delete(id);
  }
}
// The gateway looks ids up without case: of two spellings of one id (BAAI/ and baai/), keep the first.
{
  const seen = new Set();
  for (const m of byProvider.values())
    for (const id of [...m.keys()].sort()) { if (seen.has(id.toLowerCase())) m.delete(id); else seen.add(id.toLowerCase()); }
}
// Aliases.
for (const [id, aliases] of Object.entries(sources.aliases ?? {})) {
  for (const m of byProvider.values()) {
    const e = m.get(id);
    if (!e) continue;
    for (const a of aliases) for (const mm of byProvider.values()) mm.delete(a);
    const { provider, mode, ...rest } = e;
    m.set(id, { provider, mode, aliases, ...rest });
  }
}

// ---- write our format: one entry a line, providers in a fixed order, ids sorted ----
const order = Object.keys(sources.providers);
const lines = [];
for (const provider of order) {
  const m = byProvider.get(provider);
  if (!m || m.size === 0) continue;
  if (lines.length) lines[lines.length - 1] += ",\n";
  lines.push([...m.keys()].sort().map((id) => `    ${JSON.stringify(id)}: ${render(m.get(id))}`).join(",\n"));
}
function render(e) {
  const parts = Object.entries(e).map(([k, v]) => `${JSON.stringify(k)}: ${typeof v === "number" && (/cost|premium/.test(k)) ? decimalText(v) : k === "long_context" ? render(v) : JSON.stringify(v)}`);
  return `{ ${parts.join(", ")} }`;
}
const text = "{\n" +
  `  "source": ${JSON.stringify(sources.header.source)},\n` +
  `  "checked": ${JSON.stringify(sources.checked)},\n` +
  `  "notes": [\n${sources.header.notes.map((n) => "    " + JSON.stringify(n)).join(",\n")}\n  ],\n` +
  `  "models": {\n${lines.join("")}\n  }\n}\n`;
JSON.parse(text); // what we write must be JSON

// ---- diff against the committed table ----
let before = {};
try { before = JSON.parse(readFileSync(tablePath, "utf8")).models ?? {}; } catch { /* first run */ }
const after = JSON.parse(text).models;
const norm = (e) => e && JSON.stringify(Object.fromEntries(Object.entries(e).map(([k, v]) => [k, typeof v === "number" ? Number(v) : v]).sort()));
const added = Object.keys(after).filter((k) => !(k in before));
const removed = Object.keys(before).filter((k) => !(k in after));
const changed = Object.keys(after).filter((k) => k in before && norm(before[k]) !== norm(after[k]));
for (const k of removed) console.log(`- ${k}`);
for (const k of added) console.log(`+ ${k}`);
for (const k of changed) {
  const a = before[k], b = after[k];
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]) && norm({ v: a[f] }) !== norm({ v: b[f] }));
  console.log(`~ ${k}: ${fields.map((f) => `${f} ${JSON.stringify(a[f])} -> ${JSON.stringify(b[f])}`).join("; ")}`);
}
const count = Object.keys(after).length;
console.log(`\n${count} models (${[...byProvider].map(([p, m]) => `${p} ${m.size}`).join(", ")}); ${added.length} added, ${removed.length} removed, ${changed.length} changed`);
if (args.includes("--write")) { writeFileSync(out, text); console.log(`wrote ${out}`); }
