#!/usr/bin/env bash
# Installs the system libraries Ferry builds against, if they are missing (Debian/Ubuntu, apt-get).
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again.
set -euo pipefail

need=()
pkg-config --exists libuv 2>/dev/null || need+=(libuv1-dev)
pkg-config --exists openssl 2>/dev/null || need+=(libssl-dev)
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)

if [ ${#need[@]} -gt 0 ]; then
    echo "ferry: installing ${need[*]} with apt-get" >&2
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
            echo "ferry: need root (or sudo) to install ${need[*]}; install them and run again" >&2
            exit 1
        fi
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" pkg-config >/dev/null
fi
