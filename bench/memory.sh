#!/usr/bin/env bash
# memory.sh - the gateway's RSS after start, after 1,000 calls and after 100,000 calls (non-streaming, through the
# fake upstream, spend tracking on), to find growth: what is retained without need shows as RSS that keeps rising.
#
# Usage:  GATEWAY_BIN=path/to/gateway bench/memory.sh        (default: the binary overhead.sh publishes)
#         CALLS="1000 10000 100000" GATEWAY_ENV="DOTNET_GCConserveMemory=5" bench/memory.sh
# The calls are sequential on one keep-alive connection (bench/coldstart/probe load). Prints one line per checkpoint:
# calls so far, VmRSS, VmHWM, and the RSS growth against the first checkpoint. Needs gcc and node.
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BIN="${GATEWAY_BIN:-$HERE/results/.build/publish/gateway}"
CALLS="${CALLS:-1000 10000 100000}"; GATEWAY_ENV="${GATEWAY_ENV:-}"
UP_PORT="${UP_PORT:-18151}"; GW_PORT="${GW_PORT:-18152}"; MASTER_KEY=sk-bench-master
[ -x "$BIN" ] || { echo "no gateway binary at $BIN (run bench/overhead.sh once, or set GATEWAY_BIN)" >&2; exit 1; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/gateway-memory.XXXXXX")
# The same probe coldstart.sh builds, in the same place: built once, rebuilt when its source changes.
PROBE="$HERE/results/.coldstart/probe"; mkdir -p "$(dirname "$PROBE")"
[ -x "$PROBE" ] && [ "$PROBE" -nt "$HERE/coldstart/probe.c" ] || gcc -O2 -o "$PROBE" "$HERE/coldstart/probe.c" || exit 1
printf '%s' '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello"}],"max_tokens":16}' > "$DIR/body.json"
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; rm -rf "$DIR"' EXIT
cat > "$DIR/gateway.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      api_base: http://127.0.0.1:$UP_PORT/v1
      api_key: sk-upstream
general_settings:
  master_key: $MASTER_KEY
YAML
PORT=$UP_PORT CHUNK_GAP_MS=0 taskset -c 0 node "$HERE/fake-upstream.js" > "$DIR/upstream.log" 2>&1 & PIDS+=($!)
# shellcheck disable=SC2086
(cd "$DIR" && exec env $GATEWAY_ENV taskset -c 1 "$BIN" --config "$DIR/gateway.yaml" --urls "http://127.0.0.1:$GW_PORT") > "$DIR/gateway.log" 2>&1 &
GW=$!; PIDS+=($GW)
node "$HERE/wait-ready.js" "http://127.0.0.1:$GW_PORT/v1/chat/completions" "$MASTER_KEY" "$(($(date +%s%N) / 1000000))" "$GW" 20000 > /dev/null \
  || { echo "gateway did not start: $(tail -5 "$DIR/gateway.log")" >&2; exit 1; }
kb() { awk -v k="$1:" '$1==k{print $2}' "/proc/$GW/status"; }
printf 'calls\trss_mb\thwm_mb\tgrowth_vs_first\n'
printf 'start\t%.1f\t%.1f\t-\n' "$(echo "$(kb VmRSS)/1024" | bc -l)" "$(echo "$(kb VmHWM)/1024" | bc -l)"
done_calls=0; first=
for target in $CALLS; do
  n=$((target - done_calls))
  t0=$(date +%s%N)
  taskset -c 0 "$PROBE" load "$GW_PORT" "$DIR/body.json" "$MASTER_KEY" "$n" || { echo "calls failed" >&2; exit 1; }
  out="$(( n * 1000000000 / ($(date +%s%N) - t0) )) calls/s"
  done_calls=$target
  sleep 1 # let the drainer and the GC settle
  rss=$(kb VmRSS); [ -z "$first" ] && first=$rss
  printf '%s\t%.1f\t%.1f\t%+.1f%%\t(%s)\n' "$target" "$(echo "$rss/1024" | bc -l)" "$(echo "$(kb VmHWM)/1024" | bc -l)" \
    "$(echo "($rss-$first)*100/$first" | bc -l)" "$out"
done
