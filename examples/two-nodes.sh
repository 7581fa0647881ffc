#!/usr/bin/env bash
# Two nodes on this machine, by hand, as README's walk-through does; stops both at the end.
# Usage: examples/two-nodes.sh [path/to/ferry]
set -euo pipefail
ferry=${1:-.build/debug/ferry}
root=$(mktemp -d)
trap 'kill $(cat "$root"/*.pid 2>/dev/null) 2>/dev/null; rm -rf "$root"' EXIT
for who in alice bob; do "$ferry" init --data "$root/$who" >/dev/null; done
"$ferry" contacts add bob "$("$ferry" id --card --data "$root/bob")" --data "$root/alice"
"$ferry" contacts add alice "$("$ferry" id --card --data "$root/alice")" --data "$root/bob"
"$ferry" run --data "$root/bob" --listen 127.0.0.1:7702 2>"$root/bob.log" & echo $! >"$root/bob.pid"
"$ferry" run --data "$root/alice" --listen 127.0.0.1:7701 --peer 127.0.0.1:7702 2>"$root/alice.log" & echo $! >"$root/alice.pid"
for _ in $(seq 100); do "$ferry" status --data "$root/alice" >/dev/null 2>&1 && break; sleep 0.1; done
"$ferry" send bob "hello from alice" --wait 10 --data "$root/alice"
"$ferry" inbox --data "$root/bob"
