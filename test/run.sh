#!/bin/sh
# Runs vitest (or, with "bench", the benchmarks) inside a private network namespace that has only
# loopback, so that WebRTC in the browser tests can only ever reach 127.0.0.1.
# Falls back to the host network, with a warning, where namespaces are not allowed (no root, no userns).
set -e
cd "$(dirname "$0")/.."
if [ "$1" = "bench" ]; then shift; set -- npx tsx bench/run.ts "$@"; else set -- npx vitest run "$@"; fi
inner='ip link set lo up 2>/dev/null || true; exec "$@"'
if [ -z "$MESHMEET_IN_NETNS" ]; then
  if unshare -n true 2>/dev/null; then
    MESHMEET_IN_NETNS=1 exec unshare -n sh -c "$inner" sh "$@"
  elif unshare -rn true 2>/dev/null; then
    MESHMEET_IN_NETNS=1 exec unshare -rn sh -c "$inner" sh "$@"
  fi
  echo "warning: cannot create a network namespace; running on the host network" >&2
fi
exec "$@"
