#!/bin/sh
# zerodrop self-fence for keepalived node {{NODE}} (rendered by src/lab/keepalived-self-fence.ts, whose
# selfFenceVerdict generates the decision table below). A node takes the calls only when it can confirm it will be
# their only owner: it hears its peer {{PEER}} directly, or the witness (PostgreSQL) says the peer's lease ran out.
#   lease:  run by the health check while FreeSWITCH is healthy: renews this node's lease at the witness
#   check:  keepalived's track script chk_fence; exit 1 = FAULT (gives up, or never takes, the VIP)
#   master: run by the MASTER hook before `sofia recover`; exit 0 = this node now owns the calls, 1 = do not recover
R=/run/zerodrop
mkdir -p $R
mode=$1

# The lease: "my FreeSWITCH is alive (and owns the calls)", a session at the witness that sleeps {{LEASE_S}} s,
# renewed every second. A killed node's session ends at once (the server checks its client every 100 ms); a frozen
# or unhealthy node's runs out.
renew() {
  tag=standby
  [ -e $R/owner ] && tag=owner
  PGAPPNAME=zdlease-{{NODE}}-$tag PGOPTIONS='-c client_connection_check_interval=100' PGCONNECT_TIMEOUT=1 \
    setsid psql -X -q -h {{WITNESS_IP}} -U postgres -d postgres -c 'select pg_sleep({{LEASE_S}})' \
    >/dev/null 2>&1 </dev/null &
}
if [ "$mode" = lease ]; then
  renew
  exit 0
fi

role=candidate
[ "$mode" = check ] && [ -e $R/owner ] && role=owner
# inputs the decision ignores are not gathered: an owner stays eligible, a reachable peer makes any lease moot
reach=reachable
lease=none
if [ $role = candidate ]; then
  ping -c 1 -W 1 {{PEER_IP}} >/dev/null 2>&1 || reach=unreachable
  if [ $reach = unreachable ]; then
    lease=$(PGCONNECT_TIMEOUT=1 psql -X -At -h {{WITNESS_IP}} -U postgres -d postgres -c "
      select case when bool_or(application_name = 'zdlease-{{PEER}}-owner') then 'owner'
        when count(*) > 0 then 'standby' else 'none' end
      from pg_stat_activity where application_name like 'zdlease-{{PEER}}-%' and state = 'active'" 2>/dev/null) ||
      lease=unknown
    [ -n "$lease" ] || lease=unknown
  fi
fi
case "$role:$reach:$lease" in
{{TABLE}}
  *) ok=0; why="no verdict for $role:$reach:$lease" ;;
esac
if [ "$mode" = master ] && [ $ok = 1 ]; then
  touch $R/owner
  renew # publish the ownership at once
fi
if [ $ok = 0 ] || [ "$mode" = master ]; then
  echo "$(date +%s.%N) self-fence $mode: $role:$reach:$lease -> $([ $ok = 1 ] && echo take || echo fence) ($why)" \
    >> $R/self-fence.log
fi
[ $ok = 1 ]
