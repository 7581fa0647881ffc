#!/usr/bin/env bash
# The README's first command: set up, build, and run the local demo (two nodes on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product ferry
exec .build/debug/ferry demo "$@"
