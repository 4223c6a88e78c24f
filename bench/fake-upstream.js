'use strict';
// Fake OpenAI chat-completions upstream for the overhead bench. Loopback only, no dependencies.
//
//   POST .../chat/completions            -> a chat.completion object (OpenAI's exact shape)
//   POST ... with "stream": true         -> SSE: role chunk, content chunks, finish chunk, then (only when
//                                           stream_options.include_usage is true) a usage chunk with
//                                           "choices": [] and "usage": {...}, then "data: [DONE]".
//                                           As OpenAI does, every chunk carries "usage": null when usage was asked for.
//   GET  anything                        -> 200 "ok" (readiness probe)
//
// Env: PORT (default 18141), HOST (127.0.0.1), DELAY_MS (0: delay before the answer, models model latency),
//      CHUNK_GAP_MS (0: pause between stream chunks; > 0 puts each chunk in its own TCP write, so a gateway that
//      buffered the stream would show it in time-to-first-byte).
const http = require('http');

const PORT = +(process.env.PORT || 18141);
const HOST = process.env.HOST || '127.0.0.1';
const DELAY = +(process.env.DELAY_MS || 0);
const GAP = +(process.env.CHUNK_GAP_MS || 0);
if (!/^(127\.|::1$|localhost$)/.test(HOST)) { console.error('fake upstream: loopback only'); process.exit(2); }

const ID = 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG';
const CREATED = 1741570283;
const MODEL = 'gpt-4o-mini-2024-07-18';
const FP = 'fp_06737a9306';
const TEXT = ['Hello', '!', ' How', ' can', ' I', ' assist', ' you', ' today', '?'];
const USAGE = {
  prompt_tokens: 9, completion_tokens: TEXT.length, total_tokens: 9 + TEXT.length,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

const COMPLETION = Buffer.from(JSON.stringify({
  id: ID, object: 'chat.completion', created: CREATED, model: MODEL,
  choices: [{
    index: 0,
    message: { role: 'assistant', content: TEXT.join(''), refusal: null, annotations: [] },
    logprobs: null, finish_reason: 'stop',
  }],
  usage: USAGE, service_tier: 'default', system_fingerprint: FP,
}));

// One SSE event per chunk; two prebuilt variants (with and without "usage": null + the usage chunk).
function chunk(delta, finish, withUsage) {
  const o = { id: ID, object: 'chat.completion.chunk', created: CREATED, model: MODEL, service_tier: 'default',
    system_fingerprint: FP, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
  if (withUsage) o.usage = null;
  return 'data: ' + JSON.stringify(o) + '\n\n';
}
function events(withUsage) {
  const ev = [chunk({ role: 'assistant', content: '', refusal: null }, null, withUsage)];
  for (const t of TEXT) ev.push(chunk({ content: t }, null, withUsage));
  ev.push(chunk({}, 'stop', withUsage));
  if (withUsage) {
    ev.push('data: ' + JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: CREATED, model: MODEL,
      service_tier: 'default', system_fingerprint: FP, choices: [], usage: USAGE }) + '\n\n');
  }
  ev.push('data: [DONE]\n\n');
  return ev.map(s => Buffer.from(s));
}
const SSE_PLAIN = events(false);
const SSE_USAGE = events(true);
const SSE_PLAIN_ALL = Buffer.concat(SSE_PLAIN);
const SSE_USAGE_ALL = Buffer.concat(SSE_USAGE);

const later = (f, ms) => (ms > 0 ? setTimeout(f, ms) : f());

function error(res, status, message, type, param, code) {
  const body = Buffer.from(JSON.stringify({ error: { message, type, param: param ?? null, code: code ?? null } }));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

const server = http.createServer({ noDelay: true }, (req, res) => {
  if (req.method === 'GET') { res.writeHead(200, { 'content-type': 'text/plain' }); return res.end('ok'); }
  if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
    return error(res, 404, `Unknown request URL: ${req.method} ${req.url}.`, 'invalid_request_error', null, 'unknown_url');
  }
  const parts = [];
  req.on('data', d => parts.push(d));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(parts)); } catch (_) {
      return error(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    if (!body || typeof body.model !== 'string') return error(res, 400, "Missing required parameter: 'model'.", 'invalid_request_error', 'model', 'missing_required_parameter');
    if (!Array.isArray(body.messages)) return error(res, 400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
    const stream = body.stream === true;
    const withUsage = stream && !!(body.stream_options && body.stream_options.include_usage === true);
    later(() => {
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length, 'x-request-id': 'req_fake' });
        return res.end(COMPLETION);
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': 'req_fake' });
      if (GAP <= 0) return res.end(withUsage ? SSE_USAGE_ALL : SSE_PLAIN_ALL);
      const ev = withUsage ? SSE_USAGE : SSE_PLAIN;
      let i = 0;
      const next = () => { res.write(ev[i++]); if (i >= ev.length) return res.end(); setTimeout(next, GAP); };
      next();
    }, DELAY);
  });
});
server.keepAliveTimeout = 65000;
server.headersTimeout = 66000;
server.listen(PORT, HOST, () => console.log(`fake upstream on http://${HOST}:${PORT}/v1 (delay ${DELAY} ms, chunk gap ${GAP} ms)`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
