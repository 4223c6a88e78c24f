#!/usr/bin/env bash
# coldstart.sh - fork to first 200, round-robin against the floor (an empty ASP.NET Core Native AOT server).
#
# For each variant, RUNS times in turn (so every variant sees the same background load), bench/coldstart/probe
# fork/execs the server, polls GET /health/liveliness every 200 us until it answers 200, then sends one chat
# completion on the same connection, and stops the server. Reported per variant, median of the runs:
#   health_ms  fork to the first /health/liveliness 200 (the listener is up)
#   first_ms   fork to the first proxied 200 (a chat completion through the whole pipeline, spend hand-off included)
#   x_floor    first_ms / the floor's first_ms in the same run: the figure to compare across runs and machines
#   cpu_ms     the process's CPU time (user+sys, all threads) from fork to exit, shutdown included
#   rss_mb     peak RSS;  faults  minor page faults (on these VMs each costs ~10-40 us: they are most of a cold start)
#
# Variants: floor (bench/FloorServer), sqlite (the Azure binary, embedded store), azurite (the Azure binary on Table
# Storage in Azurite), dynalite (the AWS binary on DynamoDB in dynalite: the Azure binary does not carry DynamoDB),
# lambda (the AWS binary started by functions/aws/bootstrap as Lambda runs it, on DynamoDB as deployed). All gateway variants serve gpt-4o-mini from the offline mock provider, with a master key
# (the auth path runs) and a virtual key created before the runs (the first call reads the key from the store).
#
# Usage:   bench/coldstart.sh                   # publishes what is missing or stale, 15 runs of every variant
#          RUNS=5 VARIANTS="floor sqlite" bench/coldstart.sh
#          AZURE_BIN=path/to/gateway AWS_DIR=path/to/aws-publish FLOOR_BIN=path/to/floor bench/coldstart.sh
#          BASE_BIN=path/to/main/gateway VARIANTS="floor sqlite base" bench/coldstart.sh   # another build, same run
# Needs:   gcc, node (the emulators come from .tools/, which ./test.sh installs), dotnet to publish.
# Pinning: the server runs on CPU ${SRV_CPU:-1}, the probe on CPU ${CLI_CPU:-0} (taskset); PIN=none to turn it off.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
RUNS="${RUNS:-15}"; VARIANTS="${VARIANTS:-floor sqlite azurite dynalite lambda}"; PORT="${PORT:-18190}"
SRV_CPU="${SRV_CPU:-1}"; CLI_CPU="${CLI_CPU:-0}"; PIN="${PIN:-cpu}"
BUILD="${BUILD_DIR:-$HERE/results/.coldstart}"
OUT="${OUT:-$HERE/results/coldstart-$(date +%Y%m%d-%H%M%S)}"
MASTER=sk-coldstart-master
mkdir -p "$OUT" "$BUILD"

need() { command -v "$1" >/dev/null || { echo "coldstart.sh: '$1' is missing. $2" >&2; exit 1; }; }
need gcc "Install it with: apt-get install -y gcc"
need node "Install Node.js 18+."
PROBE="$BUILD/probe"
[ -x "$PROBE" ] && [ "$PROBE" -nt "$HERE/coldstart/probe.c" ] || gcc -O2 -o "$PROBE" "$HERE/coldstart/probe.c" || exit 1

stale() {  # binary, source dirs...: true when missing or older than a source file
  local bin="$1"; shift
  [ -x "$bin" ] || return 0
  [ -n "$(find "$@" \( -path '*/bin' -o -path '*/obj' \) -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) -newer "$bin" -print -quit)" ]
}
publish() {  # project output-dir
  echo "== publishing $1 (Native AOT) into $2; log: $OUT/publish-$(basename "$1").log"
  dotnet publish "$ROOT/$1" -c Release -r linux-x64 -p:PublishAot=true --artifacts-path "$BUILD/artifacts" -o "$2" \
    > "$OUT/publish-$(basename "$1").log" 2>&1 || { echo "publish of $1 failed" >&2; tail -20 "$OUT/publish-$(basename "$1").log" >&2; exit 1; }
  touch "$2"/*
}
FLOOR_BIN="${FLOOR_BIN:-$BUILD/floor/floor}"
AZURE_BIN="${AZURE_BIN:-$BUILD/azure/gateway}"
AWS_DIR="${AWS_DIR:-$BUILD/aws}"
CORE_SRC=("$ROOT/shared/Core" "$ROOT/Directory.Build.props" "$ROOT/functions/Directory.Build.props")
[ -n "${FLOOR_BIN##"$BUILD"*}" ] || ! stale "$FLOOR_BIN" "$HERE/FloorServer" || publish bench/FloorServer "$BUILD/floor"
case " $VARIANTS " in *" sqlite "*|*" azurite "*)
  [ -n "${AZURE_BIN##"$BUILD"*}" ] || ! stale "$AZURE_BIN" "${CORE_SRC[@]}" "$ROOT/functions/azure" || publish functions/azure "$BUILD/azure" ;; esac
case " $VARIANTS " in *" lambda "*|*" dynalite "*)
  [ -n "${AWS_DIR##"$BUILD"*}" ] || ! stale "$AWS_DIR/bootstrap-gateway" "${CORE_SRC[@]}" "$ROOT/functions/aws" || publish functions/aws "$BUILD/aws" ;; esac

# ------------------------------------------------------------------ emulators (only for the variants that need them)
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done; }
trap cleanup EXIT; trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing listens on $1" >&2; exit 1; }
TOOLS="$ROOT/.tools/node_modules"
if [[ " $VARIANTS " == *" azurite "* ]]; then
  [ -x "$TOOLS/.bin/azurite-table" ] || { echo "Azurite is not in .tools/ (run ./test.sh once)" >&2; exit 1; }
  AZ_PORT=$(free_port)
  "$TOOLS/.bin/azurite-table" --inMemoryPersistence --skipApiVersionCheck --tableHost 127.0.0.1 --tablePort "$AZ_PORT" > "$OUT/azurite.log" 2>&1 &
  PIDS+=($!); wait_port "$AZ_PORT"
fi
if [[ " $VARIANTS " == *" dynalite "* || " $VARIANTS " == *" lambda "* ]]; then
  [ -f "$TOOLS/dynalite/cli.js" ] || { echo "dynalite is not in .tools/ (run ./test.sh once)" >&2; exit 1; }
  DY_PORT=$(free_port)
  node "$TOOLS/dynalite/cli.js" --host 127.0.0.1 --port "$DY_PORT" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 > "$OUT/dynalite.log" 2>&1 &
  PIDS+=($!); wait_port "$DY_PORT"
fi

# ------------------------------------------------------------------ the variants
WORK="$OUT/work"; mkdir -p "$WORK"
cat > "$WORK/gateway.yaml" <<YAML
model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: mock/gpt-4o-mini
general_settings:
  master_key: $MASTER
YAML
printf '%s' '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"Say hi"}],"max_tokens":16}' > "$WORK/body.json"
AZ_CS="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:${AZ_PORT:-0}/devstoreaccount1;"
AWS_FAKE="AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=AKIDCOLDSTART AWS_SECRET_ACCESS_KEY=coldstart AWS_EC2_METADATA_DISABLED=true"
command_of() {  # variant -> the server command (env + binary + args), listening on $PORT
  case "$1" in
    floor)    echo "env ASPNETCORE_URLS=http://127.0.0.1:$PORT $FLOOR_BIN" ;;
    sqlite)   echo "env GATEWAY_SQLITE_PATH=$WORK/sqlite/gateway.db $AZURE_BIN --config $WORK/gateway.yaml --urls http://127.0.0.1:$PORT" ;;
    # Another build (say main's) on SQLite, measured in the same run: BASE_BIN=path VARIANTS="floor sqlite base".
    base)     echo "env GATEWAY_SQLITE_PATH=$WORK/base/gateway.db ${BASE_BIN:?set BASE_BIN for the base variant} --config $WORK/gateway.yaml --urls http://127.0.0.1:$PORT" ;;
    azurite)  echo "env GATEWAY_STORE=tables GATEWAY_TABLES_CONNECTION_STRING=$AZ_CS GATEWAY_TABLE_PREFIX=cold $AZURE_BIN --config $WORK/gateway.yaml --urls http://127.0.0.1:$PORT" ;;
    dynalite) echo "env GATEWAY_STORE=dynamodb GATEWAY_DYNAMODB_ENDPOINT=http://127.0.0.1:${DY_PORT:-0} GATEWAY_TABLE_PREFIX=cold $AWS_FAKE $AWS_DIR/bootstrap-gateway --config $WORK/gateway.yaml --urls http://127.0.0.1:$PORT" ;;
    # As Lambda runs it: the runtime execs bootstrap in LAMBDA_TASK_ROOT with the function's environment; LWA's port.
    lambda)   echo "env LAMBDA_TASK_ROOT=$AWS_DIR AWS_LAMBDA_FUNCTION_NAME=coldstart AWS_LWA_PORT=$PORT GATEWAY_MASTER_KEY=$MASTER GATEWAY_CONFIG=$WORK/gateway.yaml GATEWAY_STORE=dynamodb GATEWAY_DYNAMODB_ENDPOINT=http://127.0.0.1:${DY_PORT:-0} GATEWAY_TABLE_PREFIX=coldaws $AWS_FAKE $AWS_DIR/bootstrap" ;;
    *) echo "unknown variant $1" >&2; exit 1 ;;
  esac
}
pin() { if [ "$PIN" = none ]; then "${@:2}"; else taskset -c "$1" "${@:2}"; fi; }

# One virtual key per store, made once before the runs, so each measured first call reads its key from the store.
declare -A KEY
for v in $VARIANTS; do
  [ "$v" = floor ] && { KEY[$v]=-; continue; }
  # shellcheck disable=SC2046
  env $(command_of "$v" | sed 's/^env //') > "$OUT/setup-$v.log" 2>&1 &
  sp=$!
  for _ in $(seq 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/liveliness" && break; sleep 0.05; done
  KEY[$v]=$(curl -sf "http://127.0.0.1:$PORT/key/generate" -H "Authorization: Bearer $MASTER" -H 'Content-Type: application/json' \
    -d '{"models":["gpt-4o-mini"],"max_budget":100}' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).key))')
  kill "$sp"; wait "$sp" 2>/dev/null
  [ -n "${KEY[$v]}" ] && [ "${KEY[$v]}" != undefined ] || { echo "could not create a key for $v (log: $OUT/setup-$v.log)" >&2; exit 1; }
done

echo "== coldstart: RUNS=$RUNS VARIANTS=\"$VARIANTS\" server cpu=$SRV_CPU probe cpu=$CLI_CPU loadavg $(cut -d' ' -f1-3 /proc/loadavg); out: $OUT"
: > "$OUT/runs.tsv"
for r in $(seq "$RUNS"); do
  for v in $VARIANTS; do
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break; sleep 0.1; done
    # shellcheck disable=SC2046
    line=$(pin "$CLI_CPU" "$PROBE" "$PORT" /health/liveliness "$WORK/body.json" "${KEY[$v]}" -- \
      $( [ "$PIN" = none ] || echo taskset -c "$SRV_CPU") $(command_of "$v")) || { echo "run $r of $v failed" >&2; continue; }
    printf '%s\t%s\t%s\n' "$v" "$r" "$line" >> "$OUT/runs.tsv"
  done
  printf '.'
done
echo
node - "$OUT/runs.tsv" <<'JS' | tee "$OUT/summary.txt"
const rows = require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n").map(l => l.split("\t"));
const med = a => { const s = [...a].sort((x, y) => x - y), n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const by = {};
for (const [v, , line] of rows) { const [h, f, c, rss, pf] = line.split(" ").map(Number); (by[v] ??= []).push({ h, f, c, rss, pf }); }
const floor = by.floor ? med(by.floor.map(x => x.f)) : null;
console.log(["variant", "runs", "health_ms", "first_ms", "min", "max", "x_floor", "cpu_ms", "rss_mb", "faults"].join("\t"));
for (const [v, xs] of Object.entries(by)) {
  const f = med(xs.map(x => x.f));
  console.log([v, xs.length, med(xs.map(x => x.h)).toFixed(1), f.toFixed(1), Math.min(...xs.map(x => x.f)).toFixed(1),
    Math.max(...xs.map(x => x.f)).toFixed(1), floor ? (f / floor).toFixed(2) : "-", med(xs.map(x => x.c)).toFixed(1),
    (med(xs.map(x => x.rss)) / 1024).toFixed(1), med(xs.map(x => x.pf)).toFixed(0)].join("\t"));
}
JS
