#!/usr/bin/env bash
# End-to-end OTLP/gRPC benchmark: a release tocsind (durable LMDB store in a temp dir, one SLO
# on the generated traffic) and tocsin-loadgen at max rate on loopback, both on this machine.
# Samples tocsind's RSS and CPU every SAMPLE seconds from /proc; prints spans/s sustained (the
# loadgen's accepted/elapsed and tocsind's own counter between the first and last sample) and RSS
# first/last/max. Target (issue 4): >= 300,000 spans/s sustained, RSS flat over 5 minutes.
#
#   tools/bench/e2e-otlp.sh [--build-dir build] [--duration 5m] [--sample 10]
#                           [--port-base 24300] [-- extra tocsin-loadgen options]
# e.g. tools/bench/e2e-otlp.sh --duration 60s -- --batch 1024 --concurrency 16 --connections 2
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

build=build duration=5m sample=10 port_base=24300
loadgen_args=()
while (($#)); do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --sample) sample=$2; shift 2 ;;
    --port-base) port_base=$2; shift 2 ;;
    --) shift; loadgen_args=("$@"); break ;;
    *) echo "usage: $0 [--build-dir DIR] [--duration 5m] [--sample 10] [--port-base N] [-- loadgen options]" >&2
       exit 2 ;;
  esac
done

tocsind=$build/bin/tocsind
loadgen=$build/bin/tocsin-loadgen
for b in "$tocsind" "$loadgen"; do
  [[ -x $b ]] || { echo "$b not built (cmake --build $build --target tocsind tocsin-loadgen)" >&2; exit 1; }
done
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
[[ $build_type == Release ]] || echo "warning: $build is a '$build_type' build, not Release" >&2

tmp=$(mktemp -d /tmp/tocsin-e2e-otlp-bench-XXXXXX)
tocsind_pid=
cleanup() {
  if [[ -n $tocsind_pid ]] && kill -0 "$tocsind_pid" 2>/dev/null; then
    kill -TERM "$tocsind_pid"; wait "$tocsind_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

api_port=$port_base grpc_port=$((port_base + 17)) http_port=$((port_base + 18))
token=bench-token-$RANDOM$RANDOM
echo "$token" >"$tmp/acme.token"
cat >"$tmp/checkout-slo.yaml" <<'SLO'
apiVersion: openslo/v1
kind: SLO
metadata: {name: checkout-availability}
spec:
  service: checkout
  indicator:
    metadata: {name: checkout-error-ratio}
    spec:
      ratioMetric:
        counter: true
        bad: {metricSource: {type: tocsin, spec: {series: span, name: POST /checkout}}}
        total: {metricSource: {type: tocsin, spec: {series: span, name: POST /checkout}}}
  timeWindow: [{duration: 28d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
SLO
cat >"$tmp/tocsin.yaml" <<YAML
data_dir: $tmp/data
log: {level: info}
store: {sync: durable}
api:
  listen: 127.0.0.1:$api_port
  tenants:
    - id: acme
      tokens: [{file: $tmp/acme.token}]
otlp:
  grpc_listen: 127.0.0.1:$grpc_port
  http_listen: 127.0.0.1:$http_port
slo:
  files: [{tenant: acme, file: $tmp/checkout-slo.yaml}]
YAML

"$tocsind" --config "$tmp/tocsin.yaml" >"$tmp/tocsind.log" 2>&1 &
tocsind_pid=$!
for _ in $(seq 300); do
  grep -q "tocsind ready" "$tmp/tocsind.log" && break
  kill -0 "$tocsind_pid" 2>/dev/null || { cat "$tmp/tocsind.log" >&2; exit 1; }
  sleep 0.1
done
grep -q "tocsind ready" "$tmp/tocsind.log" || { echo "tocsind did not start" >&2; exit 1; }

# tocsind's self-metrics (Prometheus text on the OTLP/HTTP listener) and its count of spans taken.
metrics() {
  (exec 3<>"/dev/tcp/127.0.0.1/$http_port" && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3) || true
}
spans_accepted() {
  metrics | awk '/^tocsin_otlp_spans_accepted_total/ {s += $NF} END {printf "%.0f", s + 0}'
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
cpu_s() { # utime + stime of a process, seconds
  awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$1/stat" 2>/dev/null || echo 0
}

echo "tocsind pid $tocsind_pid, OTLP/gRPC 127.0.0.1:$grpc_port, data $tmp/data; loadgen for $duration: ${loadgen_args[*]:-defaults}"
"$loadgen" --endpoint "127.0.0.1:$grpc_port" --token "$token" --duration "$duration" --quiet --json \
  "${loadgen_args[@]}" >"$tmp/loadgen.json" 2>"$tmp/loadgen.err" &
loadgen_pid=$!

printf '%8s %12s %14s %10s %12s %12s\n' t_s rss_kib spans_total spans/s tocsind_cpu loadgen_cpu
rss=() t0=$(date +%s.%N) first_t= first_n= last_t= last_n= prev_t= prev_n=
while kill -0 "$loadgen_pid" 2>/dev/null; do
  sleep "$sample"
  kill -0 "$loadgen_pid" 2>/dev/null || break
  now=$(date +%s.%N) n=$(spans_accepted) r=$(rss_kib "$tocsind_pid")
  rss+=("$r")
  rate=$(awk -v a="$n" -v b="${prev_n:-0}" -v t="$now" -v u="${prev_t:-$t0}" 'BEGIN {printf "%.0f", (a - b) / (t - u)}')
  printf '%8.0f %12s %14s %10s %12.1f %12.1f\n' "$(awk -v t="$now" -v u="$t0" 'BEGIN {print t - u}')" \
    "$r" "$n" "$rate" "$(cpu_s "$tocsind_pid")" "$(cpu_s "$loadgen_pid")"
  [[ -z $first_t ]] && first_t=$now first_n=$n
  last_t=$now last_n=$n prev_t=$now prev_n=$n
done
wait "$loadgen_pid" || echo "tocsin-loadgen exited $? ($(cat "$tmp/loadgen.err"))" >&2

echo
echo "== tocsin-loadgen summary"
cat "$tmp/loadgen.json"
echo "== tocsind"
if ((${#rss[@]})); then
  max=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  echo "RSS KiB: first ${rss[0]}, last ${rss[-1]}, max $max (${#rss[@]} samples every ${sample}s)"
fi
if [[ -n $first_t && $last_t != "$first_t" ]]; then
  awk -v a="$last_n" -v b="$first_n" -v t="$last_t" -v u="$first_t" \
    'BEGIN {printf "spans/s sustained (tocsind counter, first to last sample): %.0f\n", (a - b) / (t - u)}'
fi
awk '/"spans_per_second"/ {gsub(/,/, ""); printf "spans/s (loadgen accepted / elapsed): %.0f\n", $2}' "$tmp/loadgen.json"
echo "== tocsind /metrics (ingest and aggregation)"
metrics | grep -E '^tocsin_(otlp_spans|aggregation)_[a-z_]*(total|depth|queued)' || true
grep -Ei "error|warn" "$tmp/tocsind.log" | head -5 || true
