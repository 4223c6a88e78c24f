#!/usr/bin/env bash
# The whole test suite in one command, on a fresh machine with the .NET 10 SDK and Node.js:
#   1. installs the test tools (Azurite, dynalite, the CDK CLI, the SDK clients, playwright-core) from npm into .tools/
#      (git-ignored), the console's esbuild into ui/node_modules, and Debian's chromium when it is missing,
#   2. starts the emulators on 127.0.0.1 and stops them on exit,
#   3. builds the solution, then publishes the Azure and AWS hosts with Native AOT in the background
#      (any trim/AOT warning fails the run),
#   4. runs the unit tests (tests/Core.UnitTests: no server, process or emulator) while those publishes build,
#   5. waits for the publishes and checks them,
#   6. runs every other test project, and prints the totals last as "N passed, N failed[, N skipped]".
# A test project that runs no test fails the run. Options: --no-aot skips the publishes (the AOT binary tests then
# fail loudly). Extra args go to dotnet test.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TOOLS="$ROOT/.tools"
RESULTS="$ROOT/.test-results"
AOT_DIR="$RESULTS/aot-azure"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-deprecation"

AOT=1
DOTNET_TEST_ARGS=()
for a in "$@"; do
  case "$a" in
    --no-aot) AOT=0 ;;
    *) DOTNET_TEST_ARGS+=("$a") ;;
  esac
done

passed=0 failed=0 skipped=0
PIDS=()
PUBLISH_PID=
step() { printf '\n==> %s\n' "$*"; }
fail_check() { failed=$((failed + 1)); echo "FAILED: $*"; }
pass_check() { passed=$((passed + 1)); echo "passed: $*"; }

cleanup() {
  local p
  # An interrupted run: stop the background publish (its dotnet processes are children of its subshell).
  if [ -n "$PUBLISH_PID" ] && kill -0 "$PUBLISH_PID" 2>/dev/null; then
    pkill -P "$PUBLISH_PID" 2>/dev/null; kill "$PUBLISH_PID" 2>/dev/null; wait "$PUBLISH_PID" 2>/dev/null
  fi
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

wait_port() { # name port pid
  for _ in $(seq 1 150); do
    kill -0 "$3" 2>/dev/null || { echo "$1 exited during start-up; its log:"; cat "$RESULTS/$1.log"; return 1; }
    (exec 3<>"/dev/tcp/127.0.0.1/$2") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "$1 did not open port $2 within 30 s"; return 1
}

mkdir -p "$RESULTS" "$TOOLS"
rm -rf "$RESULTS"/*.trx "$RESULTS"/*.log

# ---------------------------------------------------------------- 1. test tools
step "Installing test tools into .tools/ (npm ci; skipped when tests/tools/package-lock.json is unchanged)"
if ! cmp -s "$ROOT/tests/tools/package-lock.json" "$TOOLS/package-lock.json" || [ ! -d "$TOOLS/node_modules" ]; then
  cp "$ROOT/tests/tools/package.json" "$ROOT/tests/tools/package-lock.json" "$TOOLS/"
  if (cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error); then
    echo "installed: $(cd "$TOOLS" && ls node_modules | grep -E '^(azurite|dynalite|aws-cdk)$' | tr '\n' ' ')"
  else
    rm -f "$TOOLS/package-lock.json"
    echo "npm ci failed; tests that need the emulators will fail"
  fi
else
  echo "up to date"
fi

step "Installing the console's build tools into ui/node_modules (npm ci; skipped when ui/package-lock.json is unchanged)"
if ! cmp -s "$ROOT/ui/package-lock.json" "$ROOT/ui/node_modules/.installed-lock.json" 2>/dev/null; then
  if (cd "$ROOT/ui" && npm ci --no-audit --no-fund --loglevel=error); then
    cp "$ROOT/ui/package-lock.json" "$ROOT/ui/node_modules/.installed-lock.json"
  else
    echo "npm ci in ui/ failed; the console bundle test will fail"
  fi
else
  echo "up to date"
fi

# The console's browser tests drive Debian's chromium through playwright-core (its own browser download cannot run here).
if ! command -v chromium >/dev/null 2>&1; then
  step "Installing chromium for the console's browser tests (apt-get)"
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) > "$RESULTS/chromium-install.log" 2>&1 \
      || { tail -20 "$RESULTS/chromium-install.log"; echo "chromium could not be installed; the browser tests will fail"; }
  else
    echo "apt-get is not available: install chromium by hand; the browser tests will fail without it"
  fi
fi
export GATEWAY_CHROMIUM="${GATEWAY_CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"

# ---------------------------------------------------------------- 2. emulators
step "Starting emulators on 127.0.0.1"
if [ -x "$TOOLS/node_modules/.bin/azurite-table" ]; then
  AZ_PORT=$(free_port)
  "$TOOLS/node_modules/.bin/azurite-table" --inMemoryPersistence --skipApiVersionCheck --tableHost 127.0.0.1 --tablePort "$AZ_PORT" \
    > "$RESULTS/azurite.log" 2>&1 &
  PIDS+=($!)
  if wait_port azurite "$AZ_PORT" "$!"; then
    export GATEWAY_TEST_AZURITE_TABLES="http://127.0.0.1:$AZ_PORT/devstoreaccount1"
    echo "Azurite tables: $GATEWAY_TEST_AZURITE_TABLES"
  fi
else
  echo "Azurite is not installed; tests that need it will fail"
fi
if [ -f "$TOOLS/node_modules/dynalite/cli.js" ]; then
  DY_PORT=$(free_port)
  node "$TOOLS/node_modules/dynalite/cli.js" --host 127.0.0.1 --port "$DY_PORT" --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 \
    > "$RESULTS/dynalite.log" 2>&1 &
  PIDS+=($!)
  if wait_port dynalite "$DY_PORT" "$!"; then
    export GATEWAY_TEST_DYNALITE="http://127.0.0.1:$DY_PORT"
    echo "dynalite: $GATEWAY_TEST_DYNALITE"
  fi
else
  echo "dynalite is not installed; tests that need it will fail"
fi
export GATEWAY_TEST_CDK_CLI="$TOOLS/node_modules/.bin/cdk"

# ---------------------------------------------------------------- 3. build, then AOT publish in the background
step "Building Serverless.sln"
if ! dotnet build "$ROOT/Serverless.sln" -nologo -clp:ErrorsOnly -v:q; then
  fail_check "solution build"
  echo; echo "$passed passed, $failed failed"; exit 1
fi

AOT_AWS_DIR="$RESULTS/aot-aws"
publish() { # project output-dir log: one Native AOT publish; its exit code goes to log.rc
  rm -rf "$2" "$3.rc"
  dotnet publish "$ROOT/$1" -r linux-x64 -p:PublishAot=true -o "$2" -nologo -v:q > "$3" 2>&1
  echo $? > "$3.rc"
}
if [ "$AOT" = 1 ]; then
  step "Publishing functions/azure, then functions/aws, with Native AOT (linux-x64) in the background"
  # One after the other, not side by side: both build shared/Core for linux-x64 into the same obj/ folder.
  ( publish functions/azure "$AOT_DIR" "$RESULTS/aot-publish.log"
    publish functions/aws "$AOT_AWS_DIR" "$RESULTS/aot-publish-aws.log" ) &
  PUBLISH_PID=$!
fi

# Checks one finished publish: it succeeded and printed no trim/AOT warning. Args: label log binary.
check_publish() {
  if [ "$(cat "$2.rc" 2>/dev/null)" = 0 ]; then
    warnings=$(grep -E 'warning (IL|AOT|CS)[0-9]+' "$2" | sort -u)
    if [ -n "$warnings" ]; then
      echo "$warnings"; fail_check "$1 publish is warning-free ($(echo "$warnings" | wc -l) warnings)"
    else
      pass_check "$1 publish is warning-free ($(du -m "$3" | cut -f1) MB binary)"
    fi
    return 0
  fi
  tail -30 "$2"; fail_check "$1 publish"; return 1
}

# Runs one test project (already built) and adds its trx counters to the totals; a project that ran no test fails.
run_tests() {
  local proj=$1 name
  name=$(basename "$proj" .csproj)
  step "Testing $name"
  dotnet test "$proj" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" \
    --blame-hang-timeout 5m "${DOTNET_TEST_ARGS[@]}" 2>&1 | tee "$RESULTS/$name.log" | grep -vE '^\s*$'
  trx="$RESULTS/$name.trx"
  if [ -f "$trx" ]; then
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    p=$(get passed); f=$(get failed); t=$(get total); e=$(get executed)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${t:-0} - ${e:-0}))
    [ "${e:-0}" = 0 ] && fail_check "$name ran no test"
  else
    fail_check "$name produced no results (build or host crash; see $RESULTS/$name.log)"
  fi
}

# ---------------------------------------------------------------- 4. unit tests, while the publishes build
export GATEWAY_REPO_ROOT="$ROOT"
UNIT="$ROOT/tests/Core.UnitTests/Core.UnitTests.csproj"
run_tests "$UNIT"

# ---------------------------------------------------------------- 5. the publishes' results
if [ "$AOT" = 1 ]; then
  step "Waiting for the Native AOT publishes"
  wait "$PUBLISH_PID"
  PUBLISH_PID=
  check_publish "AOT" "$RESULTS/aot-publish.log" "$AOT_DIR/gateway" && export GATEWAY_AOT_BINARY="$AOT_DIR/gateway"
  # The Lambda package: bootstrap-gateway plus the bootstrap script Lambda runs.
  if check_publish "AWS AOT" "$RESULTS/aot-publish-aws.log" "$AOT_AWS_DIR/bootstrap-gateway"; then
    [ -f "$AOT_AWS_DIR/bootstrap" ] || cp "$ROOT/functions/aws/bootstrap" "$AOT_AWS_DIR/bootstrap"
    chmod 0755 "$AOT_AWS_DIR/bootstrap"
    export GATEWAY_AWS_AOT_BINARY="$AOT_AWS_DIR/bootstrap-gateway"
  fi
fi

# ---------------------------------------------------------------- 6. the other test projects
for proj in $(find "$ROOT/tests" -name '*Tests.csproj' | sort); do
  [ "$proj" = "$UNIT" ] || run_tests "$proj"
done

echo
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
