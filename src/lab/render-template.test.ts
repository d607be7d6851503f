import { describe, expect, it } from 'vitest';
import { dispatcherList } from './kamailio-role.js';
import { keepalivedConf } from './keepalived-role.js';
import { labAddresses } from './lab-addresses.js';
import { renderLabTemplate, renderTemplate } from './render-template.js';

describe('renderTemplate', () => {
  it('fills every placeholder', () => {
    expect(renderTemplate('t', 'listen={{IP}}:{{PORT}}', { IP: '198.19.1.20', PORT: 5060 })).toBe(
      'listen=198.19.1.20:5060',
    );
  });
  it('names a placeholder without a value and a value nobody uses', () => {
    expect(() => renderTemplate('lab/x.cfg', '{{A}} {{B}}', { A: 1 })).toThrow(/lab\/x.cfg.*\{\{B\}\}/);
    expect(() => renderTemplate('lab/x.cfg', '{{A}}', { A: 1, C: 2 })).toThrow(/never used.*C/);
  });
});

describe('role templates', () => {
  const a = labAddresses(5, 2);
  it('kamailio.cfg listens on the proxy, reaches RTPEngine, latches ports and times out in fr_timer', () => {
    const cfg = renderLabTemplate('kamailio/kamailio.cfg', {
      PROXY_IP: a.proxy,
      RTPENGINE_IP: a.rtpengine,
      FR_TIMER_MS: 2000,
      DS_PING_INTERVAL_S: 1,
    });
    expect(cfg).toContain('listen=udp:198.19.5.20:5060');
    expect(cfg).toContain('udp:198.19.5.30:2223');
    expect(cfg).toContain('modparam("tm", "fr_timer", 2000)');
    expect(cfg).toMatch(/RTPE_FLAGS ".*port-latching/);
    expect(cfg).not.toContain('{{');
  });
  it('the dispatcher list holds every node in set 1', () => {
    expect(dispatcherList(a)).toContain(
      '1 sip:198.19.5.41:5060 0 0 name=fs1\n1 sip:198.19.5.42:5060 0 0 name=fs2',
    );
  });
  it('keepalived: unicast to the peer, the VIP, nopreempt starts both nodes BACKUP', () => {
    const base = {
      node: 'fs1',
      selfIp: a.freeswitch[0]!,
      peerIp: a.freeswitch[1]!,
      vip: a.vip,
      priority: 150,
    };
    const nopreempt = keepalivedConf({ ...base, nopreempt: true });
    expect(nopreempt).toMatch(/state BACKUP\s+nopreempt/);
    expect(nopreempt).toMatch(/unicast_peer \{\s+198\.19\.5\.42/);
    expect(nopreempt).toContain('198.19.5.40/24 dev eth0');
    expect(keepalivedConf({ ...base, nopreempt: false })).toMatch(/state MASTER\s+# preempt/);
  });
});
