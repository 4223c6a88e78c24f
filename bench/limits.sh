#!/usr/bin/env bash
# limits.sh - what the virtual-key limit checks add per request, per store (SQLite, Azurite, dynalite), on loopback,
# and how many store round trips one request costs. Starts its own Azurite and dynalite from .tools/ (./test.sh
# installs them), runs bench/LimitsBench, prints the table and saves it under bench/results/limits-<time>.txt.
# Usage: bench/limits.sh [N]     (N sequential requests per store, default 2000)
set -uo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
TOOLS="$ROOT/.tools/node_modules"
N="${1:-2000}"
AZ_PORT="${AZ_PORT:-18161}"; DY_PORT="${DY_PORT:-18162}"
OUT="$HERE/results/limits-$(date +%Y%m%d-%H%M%S).txt"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT INT TERM
[ -d "$TOOLS/azurite" ] && [ -d "$TOOLS/dynalite" ] || { echo "limits.sh: run ./test.sh once to install Azurite and dynalite into .tools/" >&2; exit 1; }

node "$TOOLS/azurite/dist/src/table/main.js" --inMemoryPersistence --skipApiVersionCheck --tableHost 127.0.0.1 --tablePort "$AZ_PORT" >/dev/null 2>&1 &
PIDS+=($!)
node "$TOOLS/dynalite/cli.js" --host 127.0.0.1 --port "$DY_PORT" --createTableMs 0 >/dev/null 2>&1 &
PIDS+=($!)
for port in "$AZ_PORT" "$DY_PORT"; do
  for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
done

mkdir -p "$HERE/results"
BENCH_AZURITE_TABLES="http://127.0.0.1:$AZ_PORT/devstoreaccount1" BENCH_DYNALITE="http://127.0.0.1:$DY_PORT" \
  dotnet run -c Release --project "$HERE/LimitsBench" -- "$N" | tee "$OUT"
echo "saved: $OUT"
