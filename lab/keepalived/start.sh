#!/bin/sh
# Runs keepalived beside the FreeSWITCH role's own command in one container (under --init).
# Stale pid files left by a kill would stop keepalived from starting after `docker start`.
rm -f /run/keepalived*.pid /run/vrrp*.pid /run/zerodrop/vrrp-state
mkdir -p /run/zerodrop
keepalived --dont-fork --log-console --log-detail -f /etc/keepalived/keepalived.conf &
echo $$ > /run/zerodrop/role.pid   # exec keeps this PID: the check script watches it
exec "$@"
