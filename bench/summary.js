'use strict';
// Summarises bench/overhead.sh's results.tsv: node summary.js RESULTS_TSV CLK_TCK CONNS PIN LOAD_BEFORE LOAD_AFTER
const fs = require('fs');
const [file, hzArg, conns, pin, loadBefore, loadAfter] = process.argv.slice(2);
const HZ = +hzArg || 100;

const rows = {};
for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const [target, scenario, , kv] = line.split('\t');
  const d = {};
  for (const pair of kv.split(/\s+/)) { const i = pair.indexOf('='); if (i > 0) d[pair.slice(0, i)] = +pair.slice(i + 1); }
  (rows[`${target}/${scenario}`] ||= []).push(d);
}
const median = a => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const get = (t, sc, k) => { const L = rows[`${t}/${sc}`]; if (!L) return NaN; const v = L.map(r => r[k]).filter(x => x !== undefined && !Number.isNaN(x)); return v.length ? median(v) : NaN; };
const cpuPerReq = (t, sc, reqKey, key = 'cpu_ticks') => { const n = get(t, sc, reqKey); return n > 0 ? get(t, sc, key) / HZ * 1e6 / n : NaN; };

const f = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const verdict = (x, limit) => (Number.isFinite(x) ? (x <= limit ? 'MET' : 'MISSED') : 'n/a');
const out = [];
const row = (label, direct, gateway, added, target) =>
  out.push(`  ${label.padEnd(34)}${String(direct).padStart(10)}${String(gateway).padStart(10)}${String(added).padStart(10)}   ${target || ''}`);
const head = title => { out.push(''); out.push(title); out.push(`  ${''.padEnd(34)}${'direct'.padStart(10)}${'gateway'.padStart(10)}${'added'.padStart(10)}   target`); };

const targets = [];
const check = (name, value, limit, unit) => { const v = verdict(value, limit); targets.push(`  ${name.padEnd(44)}${(f(value, unit === 'MB' ? 1 : unit === 'us' ? 0 : 3) + ' ' + unit).padStart(12)}  <= ${limit} ${unit}  ${v}`); return `<= ${limit} ${unit} ${v}`; };

out.push(`== OVERHEAD SUMMARY (loopback; PIN=${pin}; loadavg before ${loadBefore} / after ${loadAfter})`);

if (rows['direct/lat'] || rows['gateway/lat']) {
  const n = get('gateway', 'lat', 'reqs');
  head(`non-streaming, 1 connection (wrk; ${f(n, 0)} requests via gateway)`);
  const d50 = get('direct', 'lat', 'p50_us') / 1e3, g50 = get('gateway', 'lat', 'p50_us') / 1e3;
  const d99 = get('direct', 'lat', 'p99_us') / 1e3, g99 = get('gateway', 'lat', 'p99_us') / 1e3;
  row('latency p50 (ms)', f(d50), f(g50), f(g50 - d50), check('added p50 latency, non-streaming, 1 conn', g50 - d50, 0.3, 'ms'));
  row('latency p90 (ms)', f(get('direct', 'lat', 'p90_us') / 1e3), f(get('gateway', 'lat', 'p90_us') / 1e3),
    f((get('gateway', 'lat', 'p90_us') - get('direct', 'lat', 'p90_us')) / 1e3));
  row('latency p99 (ms)', f(d99), f(g99), f(g99 - d99));
  row('requests/s', f(get('direct', 'lat', 'rps'), 0), f(get('gateway', 'lat', 'rps'), 0), '');
  const cpu = cpuPerReq('gateway', 'lat', 'reqs');
  row('gateway CPU per request (us)', '', f(cpu, 0), '', check('gateway CPU per request, 1 conn', cpu, 150, 'us'));
  row('upstream CPU per request (us)', f(cpuPerReq('direct', 'lat', 'reqs', 'up_ticks'), 0), f(cpuPerReq('gateway', 'lat', 'reqs', 'up_ticks'), 0), '');
  const errs = ['direct', 'gateway'].map(t => get(t, 'lat', 'sock_err') + get(t, 'lat', 'status_err'));
  row('errors (socket + non-2xx)', f(errs[0], 0), f(errs[1], 0), '');
}

if (rows['direct/ttfb'] || rows['gateway/ttfb']) {
  head(`streaming, sequential on 1 connection (${f(get('gateway', 'ttfb', 'n'), 0)} requests, stream_options.include_usage)`);
  const d = k => get('direct', 'ttfb', k) / 1e3, g = k => get('gateway', 'ttfb', k) / 1e3;
  row('time to first byte p50 (ms)', f(d('ttfb_p50_us')), f(g('ttfb_p50_us')), f(g('ttfb_p50_us') - d('ttfb_p50_us')),
    check('added time to first streamed byte, p50', g('ttfb_p50_us') - d('ttfb_p50_us'), 1, 'ms'));
  row('time to first byte p90 (ms)', f(d('ttfb_p90_us')), f(g('ttfb_p90_us')), f(g('ttfb_p90_us') - d('ttfb_p90_us')));
  row('time to first byte p99 (ms)', f(d('ttfb_p99_us')), f(g('ttfb_p99_us')), f(g('ttfb_p99_us') - d('ttfb_p99_us')));
  row('time to end of stream p50 (ms)', f(d('total_p50_us')), f(g('total_p50_us')), f(g('total_p50_us') - d('total_p50_us')));
  row('gateway-reported overhead p50 (ms)', '', f(g('ovh_hdr_p50_us')), '', '(its x-gateway-overhead-duration-ms header)');
  const shape = t => `${f(get(t, 'ttfb', 'events'), 0)}${get(t, 'ttfb', 'done') ? '+D' : ''}${get(t, 'ttfb', 'usage_chunk') ? '+U' : ''}`;
  row('data events (+D [DONE], +U usage)', shape('direct'), shape('gateway'), '');
  row('errors', f(get('direct', 'ttfb', 'errors'), 0), f(get('gateway', 'ttfb', 'errors'), 0), '');
}

if (rows['direct/thr'] || rows['gateway/thr']) {
  head(`non-streaming, ${conns} connections (wrk; throughput)`);
  const d = k => get('direct', 'thr', k), g = k => get('gateway', 'thr', k);
  row('requests/s', f(d('rps'), 0), f(g('rps'), 0), '');
  row('latency p50 (ms)', f(d('p50_us') / 1e3), f(g('p50_us') / 1e3), f((g('p50_us') - d('p50_us')) / 1e3));
  row('latency p99 (ms)', f(d('p99_us') / 1e3), f(g('p99_us') / 1e3), f((g('p99_us') - d('p99_us')) / 1e3));
  row('gateway CPU per request (us)', '', f(cpuPerReq('gateway', 'thr', 'reqs'), 0), '');
  row('upstream CPU per request (us)', f(cpuPerReq('direct', 'thr', 'reqs', 'up_ticks'), 0), f(cpuPerReq('gateway', 'thr', 'reqs', 'up_ticks'), 0), '');
  row('errors (socket + non-2xx)', f(d('sock_err') + d('status_err'), 0), f(g('sock_err') + g('status_err'), 0), '');
}

if (rows['base/lat'] || rows['base/ttfb'] || rows['base/thr']) {
  // Another build measured in the same run (BASE_BIN): the ratios are what to compare across runs.
  out.push('');
  out.push('same run, this build vs BASE_BIN (ratio = this / base; lower is better)');
  out.push(`  ${''.padEnd(44)}${'this'.padStart(10)}${'base'.padStart(10)}${'ratio'.padStart(8)}`);
  const cmp = (label, a, b, d = 0) => out.push(`  ${label.padEnd(44)}${f(a, d).padStart(10)}${f(b, d).padStart(10)}${f(a / b, 2).padStart(8)}`);
  cmp('CPU per request, non-streaming, 1 conn (us)', cpuPerReq('gateway', 'lat', 'reqs'), cpuPerReq('base', 'lat', 'reqs'));
  cmp('CPU per request, streaming, 1 conn (us)', cpuPerReq('gateway', 'ttfb', 'n'), cpuPerReq('base', 'ttfb', 'n'));
  cmp(`CPU per request, non-streaming, ${conns} conns (us)`, cpuPerReq('gateway', 'thr', 'reqs'), cpuPerReq('base', 'thr', 'reqs'));
  cmp('added p50 latency, non-streaming (ms)', (get('gateway', 'lat', 'p50_us') - get('direct', 'lat', 'p50_us')) / 1e3,
    (get('base', 'lat', 'p50_us') - get('direct', 'lat', 'p50_us')) / 1e3, 3);
  cmp('added time to first streamed byte p50 (ms)', (get('gateway', 'ttfb', 'ttfb_p50_us') - get('direct', 'ttfb', 'ttfb_p50_us')) / 1e3,
    (get('base', 'ttfb', 'ttfb_p50_us') - get('direct', 'ttfb', 'ttfb_p50_us')) / 1e3, 3);
  cmp(`requests/s, ${conns} conns`, get('gateway', 'thr', 'rps'), get('base', 'thr', 'rps'));
  cmp('RSS after load (MB)', get('gateway', 'after', 'rss_kb') / 1024, get('base', 'after', 'rss_kb') / 1024, 1);
}

if (rows['gateway/after']) {
  out.push('');
  out.push('gateway process');
  const rss = get('gateway', 'after', 'rss_kb') / 1024;
  out.push(`  ${'RSS after load, VmRSS (MB)'.padEnd(34)}${f(rss, 1).padStart(20)}   ${check('RSS after load (AOT)', rss, 80, 'MB')}`);
  out.push(`  ${'peak RSS, VmHWM (MB)'.padEnd(34)}${f(get('gateway', 'after', 'hwm_kb') / 1024, 1).padStart(20)}`);
  out.push(`  ${'RSS after first request (MB)'.padEnd(34)}${f(get('gateway', 'startup', 'rss_kb') / 1024, 1).padStart(20)}`);
  out.push(`  ${'threads'.padEnd(34)}${f(get('gateway', 'after', 'threads'), 0).padStart(20)}`);
  out.push(`  ${'start to first proxied 200 (ms)'.padEnd(34)}${f(get('gateway', 'startup', 'ready_ms'), 0).padStart(20)}   (polled every 5 ms)`);
}

out.push('');
out.push('targets');
out.push(...targets);
console.log(out.join('\n'));
