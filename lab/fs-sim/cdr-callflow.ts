// The app_log and callflow part of a leg's CDR (the "tail" after <variables>), in FreeSWITCH's layout.
import { bareUri, channelName, uriParts } from './leg-cdr.js';
import type { LegFacts, NodeIdentity } from './leg-facts.js';

interface Profile {
  username: string;
  callerIdName: string;
  callerIdNumber: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr: string;
  destination: string;
  uuid: string;
  chanName: string;
}

function profileLines(p: Profile, indent: string): string[] {
  const el = (k: string, v: string) => `${indent}<${k}>${v}</${k}>`;
  return [
    el('username', p.username),
    el('dialplan', 'XML'),
    el('caller_id_name', p.callerIdName),
    el('caller_id_number', p.callerIdNumber),
    el('callee_id_name', p.calleeIdName),
    el('callee_id_number', p.calleeIdNumber),
    el('ani', p.callerIdNumber),
    el('aniii', ''),
    el('network_addr', p.networkAddr),
    el('rdnis', ''),
    el('destination_number', p.destination),
    el('uuid', p.uuid),
    el('source', 'mod_sofia'),
    el('context', 'public'),
    el('chan_name', p.chanName),
  ];
}

function timesLines(createdUs: number, answeredUs: number, bridgedUs: number): string[] {
  const t: Array<[string, number]> = [
    ['created_time', createdUs],
    ['profile_created_time', createdUs],
    ['progress_time', 0],
    ['progress_media_time', 0],
    ['answered_time', answeredUs],
    ['bridged_time', bridgedUs],
    ['last_hold_time', 0],
    ['hold_accum_time', 0],
    ['hangup_time', 0],
    ['resurrect_time', 0],
    ['transfer_time', 0],
  ];
  return ['    <times>', ...t.map(([k, v]) => `      <${k}>${v}</${k}>`), '    </times>'];
}

const APPS = {
  echo: [
    ['answer', ''],
    ['echo', ''],
  ],
  tone: [
    ['answer', ''],
    ['playback', 'tone_stream://%(1000,0,440);loops=-1'],
  ],
  // conference: the room comes from the leg (see cdrTail)
  conference: [['answer', '']],
  bridge: [],
} as const;

/** app_log + callflow for a leg; flowId is the callflow's unique-id. */
export function cdrTail(node: NodeIdentity, f: LegFacts, flowId: string): string {
  const lines: string[] = [];
  const appRow = (name: string, data: string, extra = '') =>
    `<application app_name="${name}" app_data="${data}"${extra}></application>`;
  if (f.direction === 'inbound') {
    const caller = uriParts(bareUri(f.fullFrom)).user;
    const apps: Array<readonly [string, string]> =
      f.app === 'bridge'
        ? [['bridge', `sofia/${node.profile}/${f.appData}`]]
        : f.app === 'conference'
          ? [...APPS.conference, ['conference', `${f.conference?.name ?? f.destinationNumber}@default`]]
          : [...APPS[f.app]];
    lines.push('  <app_log>');
    for (const [n, d] of apps) lines.push(`    ${appRow(n, d, ` app_stamp="${f.answeredUs}"`)}`);
    lines.push('  </app_log>');
    lines.push(`  <callflow dialplan="XML" unique-id="${flowId}" profile_index="1">`);
    lines.push(`    <extension name="${f.app}" number="${f.destinationNumber}">`);
    for (const [n, d] of apps) lines.push(`      ${appRow(n, d)}`);
    lines.push('    </extension>', '    <caller_profile>');
    const bridged = f.app === 'bridge' && f.partnerUuid !== undefined;
    lines.push(
      ...profileLines(
        {
          username: caller,
          callerIdName: caller,
          callerIdNumber: caller,
          calleeIdName: bridged ? 'Outbound Call' : '',
          calleeIdNumber: bridged ? uriParts(f.appData).user : '',
          networkAddr: f.networkIp,
          destination: f.destinationNumber,
          uuid: f.uuid,
          chanName: channelName(node, f),
        },
        '      ',
      ),
    );
    lines.push('    </caller_profile>');
    lines.push(...timesLines(f.createdUs, f.answeredUs, bridged ? f.answeredUs : 0));
    lines.push('  </callflow>');
  } else {
    lines.push(`  <callflow dialplan="XML" unique-id="${flowId}" profile_index="1">`, '    <caller_profile>');
    const dest = uriParts(f.requestUri).user;
    lines.push(
      ...profileLines(
        {
          username: f.callerIdNumber,
          callerIdName: f.callerIdName,
          callerIdNumber: f.callerIdNumber,
          calleeIdName: 'Outbound Call',
          calleeIdNumber: dest,
          networkAddr: f.networkIp,
          destination: dest,
          uuid: f.uuid,
          chanName: channelName(node, f),
        },
        '      ',
      ),
      '      <originator>',
      '        <originator_caller_profile>',
      ...profileLines(
        {
          username: f.callerIdNumber,
          callerIdName: f.callerIdName,
          callerIdNumber: f.callerIdNumber,
          calleeIdName: '',
          calleeIdNumber: '',
          networkAddr: f.networkIp,
          destination: f.originatorDestination,
          uuid: f.originatorUuid,
          chanName: f.originatorChannel,
        },
        '          ',
      ),
      '        </originator_caller_profile>',
      '      </originator>',
      '    </caller_profile>',
      ...timesLines(f.createdUs, f.answeredUs, f.answeredUs),
      '  </callflow>',
    );
  }
  return `${lines.join('\n')}\n`;
}
