#!/usr/bin/env bash
# overhead.sh - what the gateway adds on top of an upstream, measured on loopback.
#
# Starts a fake OpenAI upstream (bench/fake-upstream.js) and the Native AOT gateway pointed at it, then runs each
# scenario directly against the upstream and through the gateway, alternating (so both see the same background):
#   lat   non-streaming, 1 connection, wrk: p50/p99 direct vs via gateway, added p50/p99, gateway CPU us/request
#   ttfb  sequential streaming requests (bench/ttfb-probe.js): time to first body byte, direct vs via gateway
#   thr   non-streaming, $CONNS connections, wrk: requests/s and latency under load, CPU us/request
# and the gateway's RSS (VmRSS) after all of it. Prints a summary table; raw results go to bench/results/<time>/.
#
# Usage:   bench/overhead.sh
#          GATEWAY_BIN=/path/to/gateway bench/overhead.sh     # use a prebuilt AOT binary, skip the publish
#          REBUILD=1 bench/overhead.sh                        # force a fresh publish
#          BASE_BIN=/path/to/other/gateway bench/overhead.sh  # also measure another build (say main's) in the same run:
#                                                             # every scenario runs direct, gateway, base in turn
#                                                             # (BASE_ENV: its environment, default GATEWAY_ENV)
# Needs:   wrk (apt-get install -y wrk), node, taskset, dotnet (only to publish).
#
# Knobs (env): DURATION=10 WARMUP=2 CONNS=16 TTFB_N=300 CHUNK_GAP_MS=1 REPEAT=1 UP_PORT=18141 GW_PORT=18142
#   SCENARIOS="lat ttfb thr"
#   PIN=split  load generator on CPU0; upstream + gateway on CPU1 (default)
#   PIN=gw     load generator + upstream on CPU0; gateway alone on CPU1
#   PIN=none   no taskset
#   GATEWAY_ENV="DOTNET_x=1 ..."  extra environment for the gateway process (for experiments)
#   DEPLOYMENTS=1  deployments in the model group;  ROUTING_STRATEGY=  router_settings.routing_strategy (unset: none)
#   BUILD_DIR=bench/results/.build  where the publish goes;  OUT=bench/results/<timestamp>
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-10}"; WARMUP="${WARMUP:-2}"; CONNS="${CONNS:-16}"; TTFB_N="${TTFB_N:-300}"; REPEAT="${REPEAT:-1}"
CHUNK_GAP_MS="${CHUNK_GAP_MS:-1}"; UP_PORT="${UP_PORT:-18141}"; GW_PORT="${GW_PORT:-18142}"; PIN="${PIN:-split}"
BASE_PORT="${BASE_PORT:-$((GW_PORT + 1))}"
SCENARIOS="${SCENARIOS:-lat ttfb thr}"; GATEWAY_ENV="${GATEWAY_ENV:-}"
BUILD_DIR="${BUILD_DIR:-$HERE/results/.build}"
OUT="${OUT:-$HERE/results/$(date +%Y%m%d-%H%M%S)}"
MASTER_KEY="sk-bench-master"
UPSTREAM="http://127.0.0.1:$UP_PORT/v1"
GATEWAY="http://127.0.0.1:$GW_PORT/v1"
T_START=$(date +%s)

need() { command -v "$1" >/dev/null || { echo "overhead.sh: '$1' is missing. $2" >&2; exit 1; }; }
need wrk "Install it with: sudo apt-get install -y wrk"
need node "Install Node.js 18+."
[ "$PIN" = none ] || need taskset "It comes with util-linux (apt-get install -y util-linux), or run with PIN=none."

case "$PIN" in
  split) LOAD_CPUS=0; UP_CPUS=1; GW_CPUS=1 ;;
  gw)    LOAD_CPUS=0; UP_CPUS=0; GW_CPUS=1 ;;
  none)  LOAD_CPUS=; UP_CPUS=; GW_CPUS= ;;
  *) echo "PIN must be split|gw|none" >&2; exit 1 ;;
esac
if [ "$PIN" != none ] && [ "$(nproc --all)" -lt 2 ]; then echo "PIN=$PIN needs 2 CPUs; use PIN=none" >&2; exit 1; fi
pin() { local c="$1"; shift; if [ -n "$c" ]; then taskset -c "$c" "$@"; else "$@"; fi; }

mkdir -p "$OUT"
RES="$OUT/results.tsv"; : > "$RES"

# ------------------------------------------------------------------ the binary
build_stale() {  # true when no binary yet or a source file is newer than it
  local bin="$BUILD_DIR/publish/gateway"
  [ -x "$bin" ] || return 0
  [ -n "$(find "$ROOT/shared/Core" "$ROOT/functions/azure" "$ROOT/Directory.Build.props" "$ROOT/global.json" \
      \( -path '*/bin' -o -path '*/obj' \) -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) \
      -newer "$bin" -print -quit 2>/dev/null)" ]
}
if [ -n "${GATEWAY_BIN:-}" ]; then
  [ -x "$GATEWAY_BIN" ] || { echo "GATEWAY_BIN=$GATEWAY_BIN is not an executable" >&2; exit 1; }
  BIN="$(cd "$(dirname "$GATEWAY_BIN")" && pwd)/$(basename "$GATEWAY_BIN")"   # absolute: the gateway runs elsewhere
  echo "== using prebuilt gateway: $BIN"
else
  BIN="$BUILD_DIR/publish/gateway"
  if [ "${REBUILD:-0}" = 1 ] || build_stale; then
    need dotnet "Install the .NET 10 SDK, or pass a prebuilt binary in GATEWAY_BIN."
    echo "== publishing Native AOT gateway into $BUILD_DIR/publish (takes 1-2 minutes; log: $OUT/publish.log)"
    # --artifacts-path keeps this build's obj/bin apart from the developer's own builds in the tree.
    t0=$(date +%s)
    if ! dotnet publish "$ROOT/functions/azure" -c Release -r linux-x64 -p:PublishAot=true \
         --artifacts-path "$BUILD_DIR/artifacts" -o "$BUILD_DIR/publish" > "$OUT/publish.log" 2>&1; then
      echo "publish failed:" >&2; tail -20 "$OUT/publish.log" >&2
      [ -x "$BIN" ] && echo "(an older binary is still at $BIN: GATEWAY_BIN=$BIN $0 measures it)" >&2
      exit 1
    fi
    touch "$BIN"
    echo "   published in $(( $(date +%s) - t0 )) s"
  else
    echo "== gateway binary is up to date: $BIN (REBUILD=1 to force a publish)"
  fi
fi
T_BENCH=$(date +%s)

# ------------------------------------------------------------------ process helpers
STARTED=()
ticks() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $12+$13}'; }   # utime+stime, in CLK_TCK
status_kb() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status" 2>/dev/null; }
port_busy() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }
stop_pid() {
  kill "$1" 2>/dev/null; for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
CFG_DIR=
cleanup() { local p; for p in "${STARTED[@]}"; do stop_pid "$p"; done; [ -n "$CFG_DIR" ] && rm -rf "$CFG_DIR" "${EXTRA_DIRS[@]}"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'exit 141' PIPE   # e.g. piped into head: still stop the servers

wait_ready() {  # url pid t0_ms -> prints ms from t0 until the first 200 of a chat completion
  node "$HERE/wait-ready.js" "$1/chat/completions" "$MASTER_KEY" "$3" "$2" 20000
}
record() {  # target scenario repeat "k=v ..." pid cpu_ticks upstream_ticks
  printf '%s\t%s\t%s\t%s cpu_ticks=%s up_ticks=%s rss_kb=%s hwm_kb=%s threads=%s\n' "$1" "$2" "$3" "$4" "${6:-0}" "${7:-0}" \
    "$(status_kb "$5" VmRSS)" "$(status_kb "$5" VmHWM)" "$(ls "/proc/$5/task" 2>/dev/null | wc -l)" >> "$RES"
}

run_one() {  # target base_url scenario pid repeat
  local tgt="$1" base="$2" sc="$3" pid="$4" r="$5" line tb ta ub ua c
  case "$sc" in
    lat|thr)
      c=1; [ "$sc" = thr ] && c="$CONNS"
      AUTH_KEY=$MASTER_KEY pin "$LOAD_CPUS" timeout $((WARMUP + 20)) wrk -t1 -c"$c" -d"${WARMUP}s" \
        -s "$HERE/wrk-chat.lua" "$base/chat/completions" > /dev/null 2>&1
      tb=$(ticks "$pid"); ub=$(ticks "$UP_PID")
      line=$(AUTH_KEY=$MASTER_KEY pin "$LOAD_CPUS" timeout $((DURATION + 20)) wrk -t1 -c"$c" -d"${DURATION}s" \
        --timeout 5s -s "$HERE/wrk-chat.lua" "$base/chat/completions" 2>&1 | grep '^RESULT')
      ta=$(ticks "$pid"); ua=$(ticks "$UP_PID") ;;
    ttfb)
      tb=$(ticks "$pid"); ub=$(ticks "$UP_PID")
      line=$(pin "$LOAD_CPUS" timeout $((TTFB_N / 10 + 60)) node "$HERE/ttfb-probe.js" "$base/chat/completions" \
        "$TTFB_N" "$MASTER_KEY" 1 | grep '^RESULT')
      ta=$(ticks "$pid"); ua=$(ticks "$UP_PID") ;;
    *) echo "unknown scenario $sc" >&2; return ;;
  esac
  [ -z "$line" ] && line="RESULT failed=1"
  record "$tgt" "$sc" "$r" "${line#RESULT }" "$pid" $((ta - tb)) $((ua - ub))
  printf '  %-8s %-5s #%s  %s\n' "$tgt" "$sc" "$r" "${line#RESULT }"
}

# ------------------------------------------------------------------ go
echo "== overhead bench: PIN=$PIN (load cpu=${LOAD_CPUS:-any} upstream=${UP_CPUS:-any} gateway=${GW_CPUS:-any})" \
     "DURATION=${DURATION}s WARMUP=${WARMUP}s CONNS=$CONNS TTFB_N=$TTFB_N CHUNK_GAP_MS=$CHUNK_GAP_MS REPEAT=$REPEAT"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== loadavg before: $LOAD_BEFORE   nproc=$(nproc)   $(node -v)   $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)   out: $OUT"
awk '{ if ($1 > 0.5) print "!! machine not idle (1-min loadavg " $1 "): numbers will be noisy; rerun when quiet" }' /proc/loadavg
{
  echo "date=$(date -Is)"; echo "commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo -dirty)"
  echo "binary=$BIN"; echo "pin=$PIN duration=$DURATION warmup=$WARMUP conns=$CONNS ttfb_n=$TTFB_N chunk_gap_ms=$CHUNK_GAP_MS repeat=$REPEAT"
  echo "gateway_env=$GATEWAY_ENV"; echo "loadavg_before=$LOAD_BEFORE"; echo "clk_tck=$(getconf CLK_TCK)"
} > "$OUT/meta.txt"

for p in "$UP_PORT" "$GW_PORT"; do port_busy "$p" && { echo "port $p is in use; set UP_PORT/GW_PORT" >&2; exit 1; }; done

# shellcheck disable=SC2086
T0=$(($(date +%s%N) / 1000000))
PORT=$UP_PORT CHUNK_GAP_MS=$CHUNK_GAP_MS ${UP_CPUS:+taskset -c $UP_CPUS} node "$HERE/fake-upstream.js" > "$OUT/upstream.log" 2>&1 &
UP_PID=$!; STARTED+=("$UP_PID")
wait_ready "$UPSTREAM" "$UP_PID" "$T0" > /dev/null || { echo "fake upstream did not start (log: $OUT/upstream.log)" >&2; exit 1; }

# The gateway's config: one OpenAI-compatible deployment on the fake upstream, master key on (the auth path runs).
CFG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")
# DEPLOYMENTS=N puts N deployments (ids d1..dN) in the group; ROUTING_STRATEGY sets router_settings.routing_strategy.
{
  echo "model_list:"
  for i in $(seq 1 "${DEPLOYMENTS:-1}"); do
    printf '  - model_name: gpt-4o-mini\n    litellm_params:\n      model: openai/gpt-4o-mini\n      api_base: %s\n      api_key: sk-upstream\n    model_info:\n      id: d%s\n' "$UPSTREAM" "$i"
  done
  printf 'general_settings:\n  master_key: %s\n' "$MASTER_KEY"
  if [ -n "${ROUTING_STRATEGY:-}" ]; then printf 'router_settings:\n  routing_strategy: %s\n' "$ROUTING_STRATEGY"; fi
} > "$CFG_DIR/gateway.yaml"
cp "$CFG_DIR/gateway.yaml" "$OUT/gateway.yaml"

start_gateway() {  # binary port log env -> sets STARTED_PID and READY_MS; each gateway gets its own copy of the config dir
  local dir; dir=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench-run.XXXXXX"); cp "$CFG_DIR/gateway.yaml" "$dir/"; EXTRA_DIRS+=("$dir")
  T0=$(($(date +%s%N) / 1000000))
  # The subshell, env and taskset all exec, so $! is the gateway's own PID (its /proc/PID/stat gives the CPU time).
  # It runs in the config's temp dir, like a deployment whose working dir holds only the app.
  # shellcheck disable=SC2086
  (cd "$dir" && exec env $4 ${GW_CPUS:+taskset -c $GW_CPUS} "$1" --config "$dir/gateway.yaml" \
    --urls "http://127.0.0.1:$2") > "$3" 2>&1 &
  STARTED_PID=$!; STARTED+=("$STARTED_PID")
  if ! READY_MS=$(wait_ready "http://127.0.0.1:$2/v1" "$STARTED_PID" "$T0"); then
    echo "!! gateway $1 never answered 200 (log: $3)" >&2; tail -20 "$3" >&2; exit 1
  fi
}
EXTRA_DIRS=()
start_gateway "$BIN" "$GW_PORT" "$OUT/gateway.log" "$GATEWAY_ENV"; GW_PID=$STARTED_PID
printf 'gateway\tstartup\t1\tready_ms=%s cpu_ticks=0 rss_kb=%s hwm_kb=%s threads=0\n' "$READY_MS" \
  "$(status_kb "$GW_PID" VmRSS)" "$(status_kb "$GW_PID" VmHWM)" >> "$RES"
echo "-- fake upstream (pid $UP_PID) at $UPSTREAM; gateway (pid $GW_PID) at $GATEWAY: first proxied 200 after $READY_MS ms"
BASE_PID=
if [ -n "${BASE_BIN:-}" ]; then
  [ -x "$BASE_BIN" ] || { echo "BASE_BIN=$BASE_BIN is not an executable" >&2; exit 1; }
  BASE_BIN="$(cd "$(dirname "$BASE_BIN")" && pwd)/$(basename "$BASE_BIN")"
  port_busy "$BASE_PORT" && { echo "port $BASE_PORT is in use; set BASE_PORT" >&2; exit 1; }
  start_gateway "$BASE_BIN" "$BASE_PORT" "$OUT/base.log" "${BASE_ENV-$GATEWAY_ENV}"; BASE_PID=$STARTED_PID
  printf 'base\tstartup\t1\tready_ms=%s cpu_ticks=0 rss_kb=%s hwm_kb=%s threads=0\n' "$READY_MS" \
    "$(status_kb "$BASE_PID" VmRSS)" "$(status_kb "$BASE_PID" VmHWM)" >> "$RES"
  echo "base=$BASE_BIN" >> "$OUT/meta.txt"
  echo "-- base gateway $BASE_BIN (pid $BASE_PID) at http://127.0.0.1:$BASE_PORT/v1: first proxied 200 after $READY_MS ms"
fi
# Direct and gateway runs alternate, so both see the same background load (the idle one costs nothing meanwhile).
for sc in $SCENARIOS; do
  for r in $(seq "$REPEAT"); do
    run_one direct "$UPSTREAM" "$sc" "$UP_PID" "$r"
    run_one gateway "$GATEWAY" "$sc" "$GW_PID" "$r"
    [ -n "$BASE_PID" ] && run_one base "http://127.0.0.1:$BASE_PORT/v1" "$sc" "$BASE_PID" "$r"
  done
done
sleep 1   # let in-flight work settle before reading memory
for t in gateway base; do
  p=$GW_PID; [ "$t" = base ] && p=$BASE_PID; [ -n "$p" ] || continue
  printf '%s\tafter\t1\tcpu_ticks=0 rss_kb=%s hwm_kb=%s threads=%s\n' "$t" "$(status_kb "$p" VmRSS)" \
    "$(status_kb "$p" VmHWM)" "$(ls "/proc/$p/task" | wc -l)" >> "$RES"
  stop_pid "$p"
done

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
echo "loadavg_after=$LOAD_AFTER" >> "$OUT/meta.txt"
node "$HERE/summary.js" "$RES" "$(getconf CLK_TCK)" "$CONNS" "$PIN" "$LOAD_BEFORE" "$LOAD_AFTER" | tee "$OUT/summary.txt"
echo "== bench time $(( $(date +%s) - T_BENCH )) s (total $(( $(date +%s) - T_START )) s); raw: $RES"
