#!/bin/sh
# keepalived notify hook: records the VRRP state (the lab's readiness and the harness read it), then runs the
# FreeSWITCH role's own hook (e.g. `sofia recover` on MASTER) when it supplied one.
mkdir -p /run/zerodrop
echo "$1" > /run/zerodrop/vrrp-state
echo "$(date +%s.%N) $1" >> /run/zerodrop/vrrp-notify.log
echo "keepalived-notify: $1"
if [ -x /etc/keepalived/on-state.sh ]; then
  /etc/keepalived/on-state.sh "$1" >> /run/zerodrop/vrrp-notify.log 2>&1
fi
exit 0
