#!/usr/bin/env bash
# The real-client suite: installs boto3 and the AWS CLI from PyPI into a virtual environment
# under target/, starts three `cdsim serve` processes on free loopback ports, and runs
# tests/clients/test_clients.py against them; then the AWS SDK for Rust's test
# (tests/clients/sdk-rust, its own package, built into target/sdk-rust), which starts its
# own servers. Usage: tests/clients/run.sh [path/to/cdsim]
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${1:-target/debug/cdsim}"
[ -x "$bin" ] || cargo build --quiet
venv="${CDSIM_CLIENT_VENV:-target/client-venv}"
if [ ! -x "$venv/bin/aws" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check boto3 awscli
fi
export PATH="$PWD/$venv/bin:$PATH" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1
export AWS_PAGER="" AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done; wait || true; rm -rf "$work"; }
trap cleanup EXIT
start() {  # start NAME ARGS…: runs cdsim serve on a free port; sets URL
  local name=$1; shift
  "$bin" serve --listen 127.0.0.1:0 "$@" > "$work/$name.out" &
  pids+=($!)
  for _ in $(seq 100); do
    grep -q listening "$work/$name.out" 2>/dev/null && break
    sleep 0.1
  done
  URL=$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/$name.out")
  [ -n "$URL" ] || { echo "cdsim serve ($name) did not start" >&2; exit 1; }
}
start max --speed max --record "$work/max.jsonl"
export CDSIM_MAX=$URL
start scaled --speed 60 --scenario scenarios/manual-stop.yaml
export CDSIM_SCALED=$URL
# An ECS/Lambda hook answered by the test's own Python handler, on a free port.
export CDSIM_HOOK_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/hooked.yaml" <<YAML
name: hooked
computePlatform: Lambda
deploymentConfigName: CodeDeployDefault.LambdaCanary10Percent5Minutes
lambdaFunction: {functionName: orders, alias: live, currentVersion: "1", targetVersion: "2"}
hookFunctions:
  BeforeAllowTraffic: {function: pre_traffic, external: "http://127.0.0.1:$CDSIM_HOOK_PORT/"}
YAML
# A group in two zones under an alarm, for a deployment beyond what one simulation may do.
cat > "$work/zoned.yaml" <<YAML
name: zoned
fleet: {instances: 4, availabilityZones: [a, b]}
deploymentConfigName: CodeDeployDefault.OneAtATime
alarmConfiguration:
  alarms:
    - {name: healthy, metric: healthyCount, period: 10s, threshold: 1, comparisonOperator: LessThanThreshold}
YAML
start hooked --speed max --scenario "$work/hooked.yaml" --scenario "$work/zoned.yaml"
export CDSIM_HOOKED=$URL
python3 tests/clients/test_clients.py
# The recorded session of the max server replays byte for byte.
kill -INT "${pids[0]}"; wait "${pids[0]}"
"$bin" replay "$work/max.jsonl"
# The AWS SDK for Rust: its own package, so that cdsim's `cargo test` never compiles the SDK.
CDSIM_BIN="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" CARGO_TARGET_DIR="$PWD/target/sdk-rust" \
  cargo test --locked --quiet --manifest-path tests/clients/sdk-rust/Cargo.toml
