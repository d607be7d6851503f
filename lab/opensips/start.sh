#!/bin/sh
# Starts OpenSIPS in the foreground (-F) under docker-init (--init). The image is the user's: find its binary and
# module directory (OPENSIPS_BIN / OPENSIPS_MPATH set by `zerodrop image opensips`, else the usual install
# places), fill @MODULES_DIR@ and run. `start.sh check` only checks the configuration (opensips -c);
# `start.sh version` prints `opensips -V`.
set -e
BIN="${OPENSIPS_BIN:-}"
if [ -z "$BIN" ]; then
  for b in "$(command -v opensips 2>/dev/null || true)" /usr/sbin/opensips /usr/local/sbin/opensips /opt/opensips/sbin/opensips; do
    if [ -n "$b" ] && [ -x "$b" ]; then BIN="$b"; break; fi
  done
fi
if [ -z "$BIN" ]; then
  echo "zerodrop: no opensips binary in this image (put it on PATH or set OPENSIPS_BIN)" >&2
  exit 1
fi
if [ "${1:-}" = "version" ]; then exec "$BIN" -V; fi
MPATH="${OPENSIPS_MPATH:-}"
if [ -z "$MPATH" ]; then
  P="$(dirname "$(dirname "$BIN")")"
  for d in "$P/lib64/opensips/modules" "$P/lib/opensips/modules" "$P/lib/x86_64-linux-gnu/opensips/modules" \
    /usr/lib/x86_64-linux-gnu/opensips/modules /usr/lib64/opensips/modules /usr/lib/opensips/modules; do
    if [ -f "$d/tm.so" ]; then MPATH="$d"; break; fi
  done
fi
if [ -z "$MPATH" ] || [ ! -f "$MPATH/tm.so" ]; then
  echo "zerodrop: no OpenSIPS module directory with tm.so found for $BIN (set OPENSIPS_MPATH)" >&2
  exit 1
fi
sed "s|@MODULES_DIR@|${MPATH%/}/|" /etc/opensips/opensips.cfg.in > /etc/opensips/opensips.cfg
echo "zerodrop: $("$BIN" -V 2>&1 | head -n 1) from $BIN, modules in $MPATH" >&2
if [ "${1:-}" = "check" ]; then
  exec "$BIN" -c -f /etc/opensips/opensips.cfg
fi
exec "$BIN" -F -f /etc/opensips/opensips.cfg
