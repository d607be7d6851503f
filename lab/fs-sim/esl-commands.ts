// The api commands fs-sim answers over ESL, with FreeSWITCH's reply texts.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Channel } from './channel.js';
import type { RecoveryScope } from './recovery-store.js';
import type { SimContext } from './sim-context.js';

/** Actions the command table needs from the node (process-level effects stay in the node). */
export interface NodeActions {
  recover(scope: RecoveryScope): Promise<number>;
  crash(): void;
  shutdown(): void;
  hangup(chan: Channel): void;
}

const SHOW_CALLS_HEADER =
  'uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid,hostname,sip_hostname,b_uuid,b_direction,b_created,b_created_epoch,b_name,b_state,b_cid_name,b_cid_num,b_ip_addr,b_dest,b_presence_id,b_presence_data,b_accountcode,b_callstate,b_callee_name,b_callee_num,b_callee_direction,b_sip_hostname,call_created_epoch';

function uptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `UP 0 years, ${Math.floor(s / 86_400)} days, ${Math.floor(s / 3600) % 24} hours, ${Math.floor(s / 60) % 60} minutes, ${s % 60} seconds, ${Math.floor(ms % 1000)} milliseconds, 0 microseconds`;
}

function channelRow(ctx: SimContext, c: Channel): string[] {
  const created = new Date(c.createdEpochS * 1000).toISOString().replace('T', ' ').slice(0, 19);
  const name = new Map(c.doc.variables).get('channel_name') ?? '';
  // after recovery FreeSWITCH shows echo legs without caller id/destination, and B-legs as DOWN
  const state = c.recovered && c.direction === 'outbound' ? 'CS_CONSUME_MEDIA' : 'CS_EXECUTE';
  const callstate = c.recovered && c.direction === 'outbound' ? 'DOWN' : 'ACTIVE';
  return [
    c.uuid,
    c.direction,
    created,
    String(c.createdEpochS),
    name,
    state,
    c.recovered ? '' : c.callerName,
    c.recovered ? '' : c.callerNumber,
    c.networkAddr,
    c.recovered ? '' : c.destination,
    '',
    '',
    '',
    callstate,
    '',
    '',
    '',
    c.uuid,
    ctx.node.switchname,
    ctx.node.sipIp,
  ];
}

function showCalls(ctx: SimContext): string {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const c of ctx.channels.all()) {
    if (seen.has(c.uuid) || c.state === 'hungup') continue;
    seen.add(c.uuid);
    const row = channelRow(ctx, c);
    const b = c.partner && c.direction === 'inbound' ? c.partner : undefined;
    if (b) seen.add(b.uuid);
    const brow = b ? channelRow(ctx, b) : [];
    lines.push(
      [
        ...row,
        ...(b
          ? [
              brow[0],
              brow[1],
              brow[2],
              brow[3],
              brow[4],
              brow[5],
              brow[6],
              brow[7],
              brow[8],
              brow[9],
              '',
              '',
              '',
              brow[13],
              '',
              '',
              '',
              ctx.node.sipIp,
            ]
          : Array(18).fill('')),
        String(c.createdEpochS),
      ].join(','),
    );
  }
  return `${SHOW_CALLS_HEADER}\n${lines.map((l) => `${l}\n`).join('')}\n${lines.length} total.\n`;
}

/** Event-loop delay since start (a stalled loop is what a controller's probe timeout would see). */
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function statsLine(ctx: SimContext): string {
  const ms = (ns: number) => (ns / 1e6).toFixed(1);
  return `channels=${ctx.channels.all().length} sessions=${ctx.sessionCount} sql_queue=${ctx.queue.size} sql_errors=${ctx.queue.errors} loop_delay_p99_ms=${ms(loopDelay.percentile(99))} loop_delay_max_ms=${ms(loopDelay.max)}\n`;
}

function mediaTable(ctx: SimContext): string {
  const lines = ctx.channels.all().map((c) => {
    const r = c.rtp;
    const remote = r?.remote ? `${r.remote.ip}:${r.remote.port}` : '-';
    const peers = r ? r.peers.map((p) => p.port).join('+') || '-' : '-';
    return [
      c.uuid,
      c.direction,
      c.state,
      r ? `${r.ip}:${r.port}` : '-',
      r?.mode ?? '-',
      remote,
      peers,
      r?.packetsIn ?? 0,
      r?.packetsOut ?? 0,
    ].join(',');
  });
  return `uuid,direction,state,local,mode,remote,peers,packets_in,packets_out\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** `fsctl recover [tech[:profile]]` scope. */
function fsctlScope(arg: string | undefined): RecoveryScope {
  if (!arg) return { technology: 'sofia' };
  const [technology = 'sofia', profile] = arg.split(':');
  return profile ? { technology, profile } : { technology };
}

/** Builds the ESL api handler of a node. */
export function eslCommands(
  ctx: SimContext,
  actions: NodeActions,
): (cmd: string, args: string) => Promise<string> {
  return async (cmd, argLine) => {
    const args = argLine.trim().split(/\s+/).filter(Boolean);
    switch (cmd.toLowerCase()) {
      case 'status':
        return `${uptime(performance.now() - ctx.startedMs)}\nfs-sim (emulating FreeSWITCH Version 1.10.12-release 64bit) is ready\n${ctx.sessionCount} session(s) since startup\n${ctx.channels.all().length} session(s) - peak ${ctx.sessionCount}, last 5min 0 \n0 session(s) per Sec out of max 50, peak 0, last 5min 0 \n200 session(s) max\nmin idle cpu 0.00/99.00\nCurrent Stack Size/Max 240K/8192K\n`;
      case 'version':
        return 'fs-sim emulating FreeSWITCH Version 1.10.12-release~64bit\n';
      case 'show':
        if (args[0] === 'calls') return showCalls(ctx);
        if (args[0] === 'channels') return `${ctx.channels.all().length} total.\n`;
        return '-USAGE: show calls|channels\n';
      case 'hupall':
        for (const c of ctx.channels.all()) actions.hangup(c);
        return '+OK\n';
      case 'uuid_kill': {
        const c = ctx.channels.get(args[0] ?? '');
        if (!c) return '-ERR No such channel!\n';
        actions.hangup(c);
        return '+OK\n';
      }
      case 'fsctl':
        if (args[0] === 'crash') {
          actions.crash();
          return '+OK\n';
        }
        if (args[0] === 'shutdown') {
          setImmediate(() => actions.shutdown());
          return '+OK\n';
        }
        if (args[0] === 'recover') {
          // switch_core.c shadows its flush flag: "fsctl recover flush" reports flushed and deletes nothing
          if (args[1] === 'flush') return '+OK flushed\n';
          const n = await actions.recover(fsctlScope(args[1]));
          return `+OK ${n} session(s) recovered in total\n`;
        }
        return '-ERR INVALID COMMAND\n';
      case 'sofia':
        return sofia(ctx, actions, args);
      case 'fs-sim':
        // not a FreeSWITCH command: fs-sim's own media table, for diagnosing a lab run
        if (args[0] === 'media') return mediaTable(ctx);
        if (args[0] === 'stats') return statsLine(ctx);
        return '-USAGE: fs-sim media|stats\n';
      default:
        return `-ERR ${cmd} Command not found!\n`;
    }
  };
}

async function sofia(ctx: SimContext, actions: NodeActions, args: string[]): Promise<string> {
  const profile = ctx.node.profile;
  if (args[0] === 'global' && args[1] === 'standby') {
    if (args[2] === 'on') ctx.standby = true;
    else if (args[2] === 'off') ctx.standby = false;
    else return '-ERR usage: sofia global standby on|off\n';
    return `+OK global standby ${ctx.standby ? 'on' : 'off'}\n`;
  }
  if (args[0] === 'status') {
    return `Name\tType\tData\tState\n${profile}\tprofile\tsip:mod_sofia@${ctx.node.sipIp}:${ctx.node.sipPort}\t${ctx.standby ? 'STANDBY' : 'RUNNING'} (0)\n`;
  }
  const profileCmd = args[0] === 'profile';
  const recoverAt = args[0] === 'recover' ? 1 : profileCmd && args[2] === 'recover' ? 3 : -1;
  if (recoverAt < 0) return '-ERR Unknown command!\n';
  if (profileCmd && args[1] !== profile) return `Invalid Profile [${args[1] ?? ''}]`;
  // sofia_glue_profile_recover clears standby first, flush or not
  ctx.standby = false;
  if (args[recoverAt] === 'flush') {
    await ctx.store.flush({ technology: 'sofia', profile });
    return 'Flushing recovery database.\n';
  }
  const n = await actions.recover({ technology: 'sofia', profile });
  ctx.publish({
    name: 'CUSTOM',
    subclass: 'sofia::recovery_recovered',
    headers: { recovered_calls: String(n) },
  });
  // mod_sofia.c words the two commands differently
  if (profileCmd) return n > 0 ? `Recovered ${n} session(s)\n` : 'No sessions to recover.\n';
  return n > 0 ? `Recovered ${n} call(s)\n` : 'No calls to recover.\n';
}
