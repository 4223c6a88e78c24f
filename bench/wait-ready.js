'use strict';
// Polls a chat-completions URL every 5 ms until it answers 200; prints the milliseconds since T0_MS (wall clock,
// taken by the caller when it launched the server), so the figure includes the server's whole start-up.
//
//   node wait-ready.js URL AUTH_KEY T0_MS PID [TIMEOUT_MS=20000]
//
// Exits 1 if PID exits or the timeout passes first.
const http = require('http');

const [url, key, t0Arg, pidArg, timeoutArg] = process.argv.slice(2);
const u = new URL(url);
const t0 = +t0Arg || Date.now();
const pid = +pidArg;
const deadline = Date.now() + (+timeoutArg || 20000);
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer ' + key };

function alive() { try { process.kill(pid, 0); return true; } catch (_) { return false; } }

function attempt() {
  if (pid && !alive()) { console.error(`process ${pid} exited`); process.exit(1); }
  if (Date.now() > deadline) { console.error('timed out'); process.exit(1); }
  const rq = http.request({ host: u.hostname, port: u.port, path: u.pathname, method: 'POST', headers, agent: false }, res => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode === 200) { console.log(Date.now() - t0); process.exit(0); }
      setTimeout(attempt, 5);
    });
  });
  rq.setTimeout(5000, () => rq.destroy());
  rq.on('error', () => setTimeout(attempt, 5));
  rq.end(body);
}
attempt();
