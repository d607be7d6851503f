// The proxy host: Kamailio with a dispatcher over the FreeSWITCH nodes and RTPEngine on every SDP.
import type { HostSpec } from './host-spec.js';
import type { LabAddresses } from './lab-addresses.js';
import { renderLabTemplate } from './render-template.js';
import { Wait } from './wait.js';

/** Proxy options. */
export interface KamailioOptions {
  /** tm fr_timer: ms without any response before the next node is tried (default 2000). */
  frTimerMs?: number;
  /** Dispatcher OPTIONS probe period in s (default 1). */
  probeIntervalS?: number;
}

/** The dispatcher list: set 1 = every FreeSWITCH node, named fs1, fs2, … */
export function dispatcherList(addresses: LabAddresses): string {
  const rows = addresses.freeswitch.map((ip, i) => `1 sip:${ip}:5060 0 0 name=fs${i + 1}`);
  return ['# setid destination flags priority attrs', ...rows, ''].join('\n');
}

/** Kamailio on the lab's .20 address; ready when it answers OPTIONS from the host with 200. */
export function kamailioHost(
  image: string,
  addresses: LabAddresses,
  options: KamailioOptions = {},
): HostSpec {
  const cfg = renderLabTemplate('kamailio/kamailio.cfg', {
    PROXY_IP: addresses.proxy,
    RTPENGINE_IP: addresses.rtpengine,
    FR_TIMER_MS: options.frTimerMs ?? 2_000,
    DS_PING_INTERVAL_S: options.probeIntervalS ?? 1,
  });
  return {
    name: 'proxy',
    role: 'proxy',
    ip: addresses.proxy,
    image,
    command: ['/etc/zerodrop/kamailio-start.sh'],
    files: [
      { path: '/etc/kamailio/kamailio.cfg', content: cfg },
      { path: '/etc/kamailio/dispatcher.list', content: dispatcherList(addresses) },
      {
        path: '/etc/zerodrop/kamailio-start.sh',
        content: renderLabTemplate('kamailio/start.sh'),
        mode: 0o755,
      },
    ],
    env: {},
    readiness: Wait.forSipOptions(5060, 200).withTimeout(10_000),
  };
}
