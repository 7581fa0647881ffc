#!/usr/bin/env bash
# Pipes a log into the mesh: every new line of FILE becomes its own sealed message to RECIPIENT.
# Usage: FERRY_DATA=/tmp/alice examples/pipe-alerts.sh bob /var/log/syslog
set -euo pipefail
recipient=${1:?usage: pipe-alerts.sh RECIPIENT FILE}
file=${2:?usage: pipe-alerts.sh RECIPIENT FILE}
tail -n 0 -F "$file" | ferry send "$recipient" - --lines
