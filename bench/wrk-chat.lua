-- wrk script: POST a non-streaming OpenAI chat completion; prints one machine-readable RESULT line.
-- Env: AUTH_KEY (bearer token, default sk-fake), STREAM=1 to ask for a stream instead.
local stream = os.getenv("STREAM") == "1"
wrk.method = "POST"
wrk.body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16'
  .. (stream and ',"stream":true' or '') .. '}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("AUTH_KEY") or "sk-fake")

function done(s, lat, req)
  local e = s.errors
  io.write(string.format(
    "RESULT rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d reqs=%d sock_err=%d status_err=%d\n",
    s.requests / (s.duration / 1e6), lat:percentile(50), lat:percentile(90), lat:percentile(99), lat.max,
    s.requests, e.connect + e.read + e.write + e.timeout, e.status))
end
