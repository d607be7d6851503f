import { describe, expect, it } from 'vitest';
import type { FreeswitchRole } from './freeswitch-role.js';
import { labAddresses } from './lab-addresses.js';
import { topologyStages } from './lab-topology.js';
import {
  opensipsDispatcherSql,
  opensipsFrTimeoutS,
  opensipsHost,
  renderOpensipsCfg,
} from './opensips-role.js';
import { Wait } from './wait.js';

const a = labAddresses(7, 2);

describe('opensips.cfg', () => {
  const cfg = renderOpensipsCfg(a, { frTimerMs: 2_500, probeIntervalS: 1 });
  it('listens on the proxy, answers OPTIONS by $rd, reaches RTPEngine and PostgreSQL', () => {
    expect(cfg).toContain('socket=udp:198.19.7.20:5060');
    expect(cfg).toContain('$rd == "198.19.7.20"');
    const code = cfg.split('\n').filter((l) => !l.trim().startsWith('#'));
    expect(code.join('\n')).not.toMatch(/uri\s*==\s*myself/);
    expect(cfg).toContain('"rtpengine_sock", "udp:198.19.7.30:2223"');
    expect(cfg).toContain('"db_url", "postgres://opensips:opensips@198.19.7.10/freeswitch"');
    expect(cfg).not.toContain('{{');
    expect(cfg).toContain('mpath="@MODULES_DIR@"');
  });
  it('fails over in whole seconds, latches ports on every rtpengine_manage, drops the Route without ;lr', () => {
    // 2.5 s at least, on OpenSIPS's 1 s tick
    expect(cfg).toContain('modparam("tm", "fr_timeout", 4)');
    expect(opensipsFrTimeoutS(2_000)).toBe(3);
    const manage = cfg.match(/rtpengine_manage\("[^"]*"\)/g) ?? [];
    expect(manage).toHaveLength(2);
    for (const m of manage) expect(m).toContain('port-latching');
    expect(cfg.indexOf('remove_hf("Route")')).toBeLessThan(cfg.indexOf('record_route()'));
    expect(cfg).toMatch(/failure_route\[DS_FAIL\][\s\S]*408\|5\[0-9\]\[0-9\][\s\S]*ds_next_dst\(\)/);
  });
});

describe('opensips host', () => {
  it('runs from its own image with the start script and the rendered config', () => {
    const h = opensipsHost('my/opensips:3.5', a, { binary: '/opt/opensips/sbin/opensips' });
    expect(h).toMatchObject({ name: 'proxy', role: 'proxy', ip: '198.19.7.20', image: 'my/opensips:3.5' });
    expect(h.command).toEqual(['/etc/zerodrop/opensips-start.sh']);
    expect(h.files.map((f) => f.path)).toEqual([
      '/etc/opensips/opensips.cfg.in',
      '/etc/zerodrop/opensips-start.sh',
    ]);
    expect(h.env).toEqual({ OPENSIPS_BIN: '/opt/opensips/sbin/opensips' });
    expect(h.readiness.description).toMatch(/SIP OPTIONS on :5060 answered 200/);
  });
  it('the dispatcher table holds every node in set 1', () => {
    const sql = opensipsDispatcherSql(a);
    expect(sql).toContain("(1, 'sip:198.19.7.41:5060', 0, 1, '1', 0, 'name=fs1', 'fs1')");
    expect(sql).toContain("(1, 'sip:198.19.7.42:5060', 0, 1, '1', 0, 'name=fs2', 'fs2')");
    expect(sql).toContain("values ('dispatcher', 9)");
  });
});

describe('farm topology with OpenSIPS', () => {
  const role: FreeswitchRole = () => ({ command: ['fs'], files: [], readiness: Wait.forCommand(['true']) });
  const plan = {
    labId: 'abc',
    topology: 'farm' as const,
    freeswitchNodes: 2,
    freeswitchRole: role,
    image: 'zerodrop/lab:test',
    addresses: a,
    postgres: { initSql: '-- recovery init' },
  };
  it('puts OpenSIPS from its image where Kamailio was, and its destinations into the init SQL', () => {
    const stages = topologyStages({ ...plan, proxy: { kind: 'opensips', image: 'my/opensips:3.5' } });
    expect(stages.map((s) => s.map((h) => h.name))).toEqual([
      ['pg', 'rtpengine'],
      ['proxy', 'fs1', 'fs2'],
    ]);
    expect(stages[1]?.[0]?.image).toBe('my/opensips:3.5');
    const init = stages[0]?.[0]?.files.find((f) => f.path.endsWith('init.sql'))?.content ?? '';
    expect(init).toMatch(/^-- recovery init\n[\s\S]*create table opensips\.dispatcher/);
  });
  it('keeps Kamailio from the lab image by default, with no OpenSIPS table', () => {
    const stages = topologyStages(plan);
    expect(stages[1]?.[0]?.image).toBe('zerodrop/lab:test');
    expect(stages[1]?.[0]?.command).toEqual(['/etc/zerodrop/kamailio-start.sh']);
    const init = stages[0]?.[0]?.files.find((f) => f.path.endsWith('init.sql'))?.content ?? '';
    expect(init).toBe('-- recovery init');
  });
});
