#!/usr/bin/env bash
# cache.sh - the gateway CPU of a response-cache hit, end to end through the Native AOT binary.
#
# Starts the gateway with the offline mock model twice: once with litellm_settings.cache on (type local), where every
# request after the first is a hit, and once with it off (every request goes to the mock provider). wrk sends the same
# non-streaming chat request on one connection for DURATION seconds to each; the gateway's CPU time (/proc/PID/stat)
# over the number of requests is its CPU per request.
#
# Usage:   GATEWAY_BIN=/path/to/gateway bench/cache.sh      (e.g. the binary bench/overhead.sh publishes)
# Knobs:   DURATION=10 PORT=18151 PIN=1 (the gateway's CPU; the load generator runs on the other)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${GATEWAY_BIN:?set GATEWAY_BIN to a published gateway binary}"
DURATION="${DURATION:-10}"; PORT="${PORT:-18151}"; PIN="${PIN:-1}"; LOAD_PIN=$(( PIN == 0 ? 1 : 0 ))
KEY="sk-bench-master"
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

run() {  # name cache(true|false)
  local dir; dir=$(mktemp -d)
  cat > "$dir/gateway.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: mock/gpt-4o-mini
general_settings:
  master_key: $KEY
litellm_settings:
  cache: $2
YAML
  (cd "$dir" && exec taskset -c "$PIN" "$BIN" --config "$dir/gateway.yaml" --urls "http://127.0.0.1:$PORT" > "$dir/log" 2>&1) &
  local pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health/liveliness" > /dev/null && break; sleep 0.1; done
  AUTH_KEY=$KEY taskset -c "$LOAD_PIN" wrk -t1 -c1 -d2s -s "$HERE/wrk-chat.lua" "http://127.0.0.1:$PORT/v1/chat/completions" > /dev/null 2>&1
  local before; before=$(awk '{print $14+$15}' "/proc/$pid/stat")
  local line; line=$(AUTH_KEY=$KEY taskset -c "$LOAD_PIN" wrk -t1 -c1 -d"${DURATION}s" -s "$HERE/wrk-chat.lua" \
    "http://127.0.0.1:$PORT/v1/chat/completions" 2>&1 | grep '^RESULT')
  local after; after=$(awk '{print $14+$15}' "/proc/$pid/stat")
  local reqs; reqs=$(sed -E 's/.*reqs=([0-9]+).*/\1/' <<< "$line")
  local hit; hit=$(curl -s -o /dev/null -D - -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}' \
    "http://127.0.0.1:$PORT/v1/chat/completions" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-gateway-cache-hit"{print $2}')
  printf '%-10s %s cpu_us_per_req=%s cache_hit_header=%s\n' "$1" "$line" "$(( (after - before) * TICK_US / (reqs > 0 ? reqs : 1) ))" "${hit:--}"
  kill "$pid"; wait "$pid" 2>/dev/null; rm -rf "$dir"
}
run cache-hit true
run no-cache false
