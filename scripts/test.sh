#!/usr/bin/env bash
# The README's second command: set up, build everything (the integration tests run the real
# `ferry` binary), and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build
# The tests are XCTest; with Swift Testing off, the run ends on XCTest's own summary line.
swift test --disable-swift-testing "$@"
