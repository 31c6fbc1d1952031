#!/bin/sh
# Runs vitest (or, with "bench", the benchmarks) inside a private network namespace that has only
# loopback, so that WebRTC in the browser tests can only ever reach 127.0.0.1.
# Falls back to the host network, with a warning, where namespaces are not allowed (no root, no userns)
# or iproute2 is missing.
set -e
cd "$(dirname "$0")/.."
if [ "$1" = "bench" ]; then shift; set -- npx tsx bench/run.ts "$@"; else set -- npx vitest run "$@"; fi
inner='ip link set lo up && exec "$@"'
if [ -z "$MESHMEET_IN_NETNS" ]; then
  # A new namespace's loopback starts down: without `ip` (iproute2) to raise it, stay on the host network.
  if command -v ip >/dev/null 2>&1; then
    if unshare -n true 2>/dev/null; then
      MESHMEET_IN_NETNS=1 exec unshare -n sh -c "$inner" sh "$@"
    elif unshare -rn true 2>/dev/null; then
      MESHMEET_IN_NETNS=1 exec unshare -rn sh -c "$inner" sh "$@"
    fi
  fi
  echo "warning: cannot create a loopback-only network namespace; running on the host network" >&2
fi
exec "$@"
