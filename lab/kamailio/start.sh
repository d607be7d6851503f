#!/bin/sh
# Starts Kamailio in the foreground under docker-init (--init): as PID 1 it would shut down when an orphan
# from `docker exec` exits. The ctl socket directory must exist for kamcmd.
set -e
mkdir -p /run/kamailio
exec kamailio -DD -E -f /etc/kamailio/kamailio.cfg
