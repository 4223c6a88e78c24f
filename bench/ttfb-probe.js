'use strict';
// Sequential streaming chat requests over one keep-alive TCP connection. For each: time to the first response
// body byte (TTFB) and to the end of the stream, measured from just before the request is written.
// Raw socket + hand-written HTTP/1.1 so the client's own overhead stays small and identical for every target.
//
//   node ttfb-probe.js URL N [AUTH_KEY] [INCLUDE_USAGE=1]
//
// Prints one line: RESULT n=.. ttfb_p50_us=.. ttfb_p90_us=.. ttfb_p99_us=.. total_p50_us=.. total_p99_us=..
//   ovh_hdr_p50_us=.. (the gateway's own x-gateway-overhead-duration-ms header, -1 if absent) errors=..
//   events=.. done=.. usage_chunk=.. (shape of the last stream: data events, [DONE] last, a choices:[] usage chunk)
const net = require('net');

const [url, nArg, key, usageArg] = process.argv.slice(2);
if (!url) { console.error('usage: node ttfb-probe.js URL N [AUTH_KEY] [INCLUDE_USAGE=1]'); process.exit(2); }
const u = new URL(url);
const N = Math.max(1, +nArg || 300);
const WARMUP = 30;
const includeUsage = usageArg !== '0';
const body = JSON.stringify({
  model: 'gpt-4o-mini', stream: true, max_tokens: 16,
  ...(includeUsage ? { stream_options: { include_usage: true } } : {}),
  messages: [{ role: 'user', content: 'Say hello' }],
});
const REQUEST = Buffer.from(
  `POST ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n` +
  `Authorization: Bearer ${key || 'sk-fake'}\r\nAccept: text/event-stream\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('\r\n0\r\n\r\n');

let socket = null;
function connect() {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: u.hostname, port: +u.port, noDelay: true }, () => resolve(s));
    s.once('error', reject);
  });
}

// One request/response on the shared socket. Responses must be chunked (SSE streams are) or carry Content-Length.
function one() {
  return new Promise(resolve => {
    const parts = [];
    let size = 0, headerLen = -1, status = 0, tFirst = 0n, contentLength = -1, chunked = false, ovh = null;
    const t0 = process.hrtime.bigint();
    const finish = ok => {
      socket.removeListener('data', onData); socket.removeListener('close', onClose);
      const tEnd = process.hrtime.bigint();
      resolve({ ok: ok && status === 200, status, ttfb: Number((tFirst || tEnd) - t0) / 1e3, total: Number(tEnd - t0) / 1e3,
        ovh, raw: Buffer.concat(parts), headerLen, chunked });
    };
    const onClose = () => finish(false);
    const onData = d => {
      parts.push(d); size += d.length;
      if (headerLen < 0) {
        const all = parts.length === 1 ? d : Buffer.concat(parts);
        const i = all.indexOf(HEADER_END);
        if (i < 0) return;
        headerLen = i + 4;
        const head = all.subarray(0, i).toString('latin1');
        status = +head.split(' ', 2)[1];
        const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head); if (cl) contentLength = +cl[1];
        chunked = /\r\ntransfer-encoding:\s*chunked/i.test(head);
        const oh = /\r\nx-gateway-overhead-duration-ms:\s*([\d.]+)/i.exec(head); if (oh) ovh = parseFloat(oh[1]) * 1000;
        if (size > headerLen) tFirst = process.hrtime.bigint();
      } else if (tFirst === 0n) tFirst = process.hrtime.bigint();
      if (chunked) {
        const all = Buffer.concat(parts);
        if (all.length >= headerLen + 5 && (all.subarray(all.length - 7).equals(CHUNKED_END) || all.length === headerLen + 5 && all.subarray(headerLen).toString() === '0\r\n\r\n')) finish(true);
      } else if (contentLength >= 0 && size - headerLen >= contentLength) finish(true);
    };
    socket.on('data', onData); socket.once('close', onClose);
    socket.write(REQUEST);
  });
}

function dechunk(buf) {  // chunked body -> bytes
  const out = []; let i = 0;
  while (i < buf.length) {
    const eol = buf.indexOf('\r\n', i); if (eol < 0) break;
    const n = parseInt(buf.subarray(i, eol).toString(), 16); if (!(n > 0)) break;
    out.push(buf.subarray(eol + 2, eol + 2 + n)); i = eol + 2 + n + 2;
  }
  return Buffer.concat(out);
}

const pct = (a, p) => (a.length ? a[Math.min(a.length - 1, Math.floor(p / 100 * a.length))] : 0);

(async () => {
  socket = await connect();
  const ttfb = [], total = [], ovh = [];
  let errors = 0, last = null;
  for (let i = 0; i < WARMUP + N; i++) {
    if (socket.destroyed) socket = await connect();
    const r = await one();
    if (i < WARMUP) continue;
    if (!r.ok) { errors++; continue; }
    ttfb.push(r.ttfb); total.push(r.total); if (r.ovh !== null) ovh.push(r.ovh); last = r;
  }
  socket.destroy();
  for (const a of [ttfb, total, ovh]) a.sort((x, y) => x - y);
  let data = [];
  if (last) {
    const bodyBytes = last.chunked ? dechunk(last.raw.subarray(last.headerLen)) : last.raw.subarray(last.headerLen);
    data = bodyBytes.toString().split('\n\n').filter(e => e.startsWith('data: ')).map(e => e.slice(6));
  }
  const usageChunk = data.some(d => d !== '[DONE]' && /"choices":\[\]/.test(d) && /"usage":\{/.test(d));
  const r = Math.round;
  console.log(`RESULT n=${ttfb.length} ttfb_p50_us=${r(pct(ttfb, 50))} ttfb_p90_us=${r(pct(ttfb, 90))} ttfb_p99_us=${r(pct(ttfb, 99))}` +
    ` total_p50_us=${r(pct(total, 50))} total_p99_us=${r(pct(total, 99))} ovh_hdr_p50_us=${ovh.length ? r(pct(ovh, 50)) : -1}` +
    ` errors=${errors} events=${data.length} done=${data[data.length - 1] === '[DONE]' ? 1 : 0} usage_chunk=${usageChunk ? 1 : 0}`);
})().catch(e => { console.log(`RESULT n=0 errors=1 error=${JSON.stringify(String(e.message || e))}`); process.exit(1); });
