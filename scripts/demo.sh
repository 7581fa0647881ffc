#!/usr/bin/env bash
# The README's first command: set up, build, and run `ferry demo` (a coordinator and five nodes on
# 127.0.0.1 through an outage; docs/TESTBED.md §The demo). Flags are passed on (--json, --keep, …).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product ferry
exec .build/debug/ferry demo "$@"
