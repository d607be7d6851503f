#!/bin/sh
# zerodrop self-fence for keepalived node {{NODE}} (rendered by src/lab/keepalived-self-fence.ts, whose
# selfFenceVerdict generates the decision table below). A node takes the calls only when it can confirm it will be
# their only owner: it hears its peer {{PEER}} directly, or the witness (PostgreSQL) says the peer's lease ran out.
#   check:  keepalived's track script, after the FreeSWITCH health check passed; exit 1 = FAULT (gives up the VIP)
#   master: run by the MASTER hook before `sofia recover`; exit 0 = this node now owns the calls, 1 = do not recover
R=/run/zerodrop
mkdir -p $R
mode=$1
witness() { PGCONNECT_TIMEOUT=1 psql -X -At -h {{WITNESS_IP}} -U postgres -d postgres "$@"; }
role=candidate
[ "$mode" = check ] && [ -e $R/owner ] && role=owner
# inputs the decision ignores are not gathered: an owner stays eligible, a reachable peer makes any lease moot
reach=reachable
lease=none
if [ $role = candidate ]; then
  ping -c 1 -W 1 {{PEER_IP}} >/dev/null 2>&1 || reach=unreachable
  if [ $reach = unreachable ]; then
    lease=$(witness -c "select case when bool_or(application_name = 'zdlease-{{PEER}}-owner') then 'owner'
      when count(*) > 0 then 'standby' else 'none' end from pg_stat_activity
      where application_name like 'zdlease-{{PEER}}-%' and state = 'active'" 2>/dev/null) || lease=unknown
    [ -n "$lease" ] || lease=unknown
  fi
fi
case "$role:$reach:$lease" in
{{TABLE}}
  *) ok=0; why="no verdict for $role:$reach:$lease" ;;
esac
[ $ok = 1 ] && [ "$mode" = master ] && touch $R/owner
# The lease: "my FreeSWITCH is alive (and owns the calls)". A session that sleeps {{LEASE_S}} s, renewed every
# check; a killed node's session ends at once (the server checks the client every 100 ms), a frozen one runs out.
tag=standby
[ -e $R/owner ] && tag=owner
PGAPPNAME=zdlease-{{NODE}}-$tag PGOPTIONS='-c client_connection_check_interval=100' PGCONNECT_TIMEOUT=1 \
  setsid psql -X -q -h {{WITNESS_IP}} -U postgres -d postgres -c 'select pg_sleep({{LEASE_S}})' \
  >/dev/null 2>&1 </dev/null &
if [ $ok = 0 ] || [ "$mode" = master ]; then
  echo "$(date +%s.%N) self-fence $mode: $role:$reach:$lease -> $([ $ok = 1 ] && echo take || echo fence) ($why)" \
    >> $R/self-fence.log
fi
[ $ok = 1 ]
