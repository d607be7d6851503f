// The RTPEngine host: userspace media relay, ng control on :2223, its own media port range.
import type { HostSpec } from './host-spec.js';
import { type LabAddresses, rtpenginePortRange } from './lab-addresses.js';
import { renderLabTemplate } from './render-template.js';
import { Wait } from './wait.js';

/** RTPEngine on the lab's .30 address; ready when ng `ping` answers `pong`. */
export function rtpengineHost(image: string, addresses: LabAddresses): HostSpec {
  const start = renderLabTemplate('rtpengine/start.sh', {
    RTPENGINE_IP: addresses.rtpengine,
    PORT_MIN: rtpenginePortRange.min,
    PORT_MAX: rtpenginePortRange.max,
  });
  return {
    name: 'rtpengine',
    role: 'rtpengine',
    ip: addresses.rtpengine,
    image,
    command: ['/etc/zerodrop/rtpengine-start.sh'],
    files: [{ path: '/etc/zerodrop/rtpengine-start.sh', content: start, mode: 0o755 }],
    env: {},
    readiness: Wait.forNgPing(2223).withTimeout(10_000),
  };
}
