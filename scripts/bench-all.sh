#!/usr/bin/env bash
# Runs every benchmark of the project — link, relay chain, coordinator, reconciliation, discovery
# (LAN formation, announce, bytes at rest, peer exchange), memory per node and per stored message,
# and a testbed scenario of 20+ nodes — and writes one markdown table (figure, value, machine,
# date), then prints it. docs/BENCHMARKS.md §All benchmarks.
#
# usage: scripts/bench-all.sh [--quick] [OUTPUT.md]       (default OUTPUT: BENCHMARKS-latest.md)
#   --quick  small counts everywhere: checks the script and the benches in a few minutes; its
#            figures are not worth quoting.
# Environment: FERRY_TESTBED_SCENARIO overrides the testbed scenario file; FERRY_BENCH_CONFIGURATION=debug
# uses a debug build (to check the script without a release build; its figures mean nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
out="BENCHMARKS-latest.md"
for argument in "$@"; do
    case "$argument" in
        --quick) quick=true ;;
        -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "bench-all: unknown option $argument (try --help)" >&2; exit 2 ;;
        *) out="$argument" ;;
    esac
done
testbed_scenario="${FERRY_TESTBED_SCENARIO:-examples/scenarios/twenty-nodes.yaml}"
configuration="${FERRY_BENCH_CONFIGURATION:-release}"
case "$configuration" in
    release|debug) ;;
    *) echo "bench-all: FERRY_BENCH_CONFIGURATION is release or debug, not '$configuration'" >&2; exit 2 ;;
esac

bash scripts/setup.sh
echo "bench-all: building the $configuration binaries (swift build -c $configuration)" >&2
swift build -c "$configuration" >&2
bin=.build/$configuration

# Counts chosen so the full run takes about 6 minutes on a 2-core machine after the build (the
# testbed scenario about one, the discovery scenarios about two: 15 idles 60 s); --quick only
# checks that everything runs. Discovery 13 and 15 need root and network namespaces; without them
# each gives a row saying why. 10,000 links is the
# issue's aim for one coordinator; where open files or local ports allow fewer, scenario 12 says so.
if $quick; then
    link=(--messages 200 --small-messages 20 --queued-messages 50)
    relay=(--relay-messages 200 --small-messages 20)
    coordinator=(--messages 200 --small-messages 20 --switch-rate 50 --catch-up-messages 100 --links 100)
    announce=(--join-trials 2)
    at_rest=(--idle-seconds 10)
    memory=(--memory-messages 300)
    exchange=(--exchange-peers 4)
    sync_items=10000
    crypto=(--crypto-iterations 50)
else
    link=(--messages 2000 --small-messages 200 --queued-messages 1000)
    relay=(--relay-messages 2000 --small-messages 200)
    coordinator=(--messages 2000 --small-messages 200 --switch-rate 200 --catch-up-messages 1000 --links 10000)
    announce=(--join-trials 5)
    at_rest=(--idle-seconds 60)
    memory=(--memory-messages 4000)
    exchange=(--exchange-peers 7)
    sync_items=100000
    crypto=(--crypto-iterations 500)
fi

work=$(mktemp -d /tmp/ferry-bench-all.XXXXXX)
trap 'rm -rf "$work"' EXIT
lines="$work/lines.tsv"
: >"$lines"

# One group of figures: its summary lines are appended; if the bench fails, one line says so and
# the run goes on with the next group. Progress and errors go to the terminal and to a log.
run_group() {
    local name="$1" status reason
    shift
    echo "bench-all: $name" >&2
    set +e
    { "$@" 2>&1 1>&3 3>&- | tee "$work/group.err" >&2; } 3>"$work/group.tsv"
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -eq 0 ]; then
        cat "$work/group.tsv" >>"$lines"
    else
        reason=$( (grep -v '^ferry-bench: [0-9]*/18 ' "$work/group.err" || true) | tail -n 1 | tr '\t' ' ')
        printf '%s\tfailed\t%s\n' "$name" "${reason:-exit status $status}" >>"$lines"
    fi
}

run_group "link A → B (ferry-bench 1, 2, 4)" "$bin/ferry-bench" --summary --scenarios 1,2,4 "${link[@]}" "${crypto[@]}"
run_group "relay chain (ferry-bench 5, 6, 7)" "$bin/ferry-bench" --summary --scenarios 5,6,7 "${relay[@]}" "${crypto[@]}"
run_group "coordinator (ferry-bench 9–12)" "$bin/ferry-bench" --summary --scenarios 9,10,11,12 "${coordinator[@]}" "${crypto[@]}"
run_group "reconciliation (ferry-sync-bench)" "$bin/ferry-sync-bench" "$sync_items" --summary
# One group each, so a LAN that fails to form costs its own rows only.
run_group "discovery: LAN formation (ferry-bench 13)" "$bin/ferry-bench" --summary --scenarios 13 "${crypto[@]}"
run_group "discovery: announce along a chain (ferry-bench 14)" "$bin/ferry-bench" --summary --scenarios 14 "${announce[@]}" "${crypto[@]}"
run_group "discovery: at rest (ferry-bench 15)" "$bin/ferry-bench" --summary --scenarios 15 "${at_rest[@]}" "${crypto[@]}"
run_group "memory (ferry-bench 16)" "$bin/ferry-bench" --summary --scenarios 16 "${memory[@]}" "${crypto[@]}"
# The testbed group never fails the run: a missing file or command gives a "not available" row.
run_group "testbed (ferry-bench 17)" "$bin/ferry-bench" --summary --scenarios 17 --testbed-scenario "$testbed_scenario" "${crypto[@]}"
run_group "peer exchange (ferry-bench 18)" "$bin/ferry-bench" --summary --scenarios 18 "${exchange[@]}" "${crypto[@]}"

model=$(grep -m 1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//; s/ \{2,\}/ /g' || true)
ram_mib=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 ))
machine="$(nproc) × ${model:-unknown CPU}, $ram_mib MiB RAM, Linux $(uname -r)"
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
day=${stamp%%T*}
revision=$(git rev-parse --short HEAD 2>/dev/null || echo "unknown")
dirty=$(git status --porcelain 2>/dev/null | grep -qv '^??' && echo " (with local changes)" || true)

{
    echo "# Ferry: all benchmarks"
    echo
    echo "\`scripts/bench-all.sh$($quick && echo ' --quick')\`, $stamp, ferry $revision$dirty, $configuration build."
    echo "Each value is followed, in parentheses, by what it is compared with: a bound measured in the same run"
    echo "where the scenario has one (crypto, fdatasync, durable writes, a first link), else the issue's aim"
    echo "or a design bound (the beacon interval)."
    echo "How each figure is measured: docs/BENCHMARKS.md."
    echo
    echo "| figure | value | machine | date |"
    echo "| --- | --- | --- | --- |"
    # Each group measures the bounds again; the first group's are kept. Pipes would end a cell.
    awk -F '\t' -v machine="$machine" -v day="$day" '
        { for (i = 1; i <= NF; i++) gsub(/\|/, "\\|", $i) }
        $1 ~ /^bound: / { if (seen[$1]++) next }
        { value = ($3 == "") ? $2 : $2 " (" $3 ")"; printf "| %s | %s | %s | %s |\n", $1, value, machine, day }
    ' "$lines"
} >"$out"

cat "$out"
echo "bench-all: written to $out" >&2
