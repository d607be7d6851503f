import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { isScenarioConfigError } from '../common/errors.js';
import type { FreeswitchNodeContext } from '../lab/freeswitch-role.js';
import { labAddresses, rtpPortRange } from '../lab/lab-addresses.js';
import { realFreeswitchSpec } from './real-freeswitch-role.js';
import { coreDbDsn, type FreeswitchXmlParams, renderFreeswitchXml } from './render-config.js';

const params: FreeswitchXmlParams = {
  switchname: 'fs1',
  serviceIp: '198.19.7.41',
  sipPort: 5060,
  profile: 'internal',
  rtpPorts: { min: 20_000, max: 20_999 },
  eslIp: '198.19.7.41',
  eslPort: 8021,
  eslPassword: 'lab&secret',
  db: { host: '198.19.7.10', port: 5432, database: 'freeswitch', user: 'fs_fs1', password: 'fs_fs1' },
  dialplan: [
    { number: '1000', app: 'echo' },
    { number: '1001', app: 'tone' },
    { number: '2000', app: 'bridge', target: 'callee@198.19.7.1:5080' },
    { number: '3000', app: 'conference' },
  ],
  proxy: '198.19.7.20:5060',
};

type Param = { '@_name': string; '@_value': string };
interface Conf {
  '@_name': string;
  settings: { param: Param[] };
  modules: { load: Array<{ '@_module': string }> };
  profiles: { profile: { '@_name': string; settings: { param: Param[] } } };
}
interface Ext {
  '@_name': string;
  condition: { '@_expression': string; action: Array<{ '@_application': string; '@_data'?: string }> };
}
interface Doc {
  section: [{ configuration: Conf[] }, { context: { extension: Ext[] } }];
}
const parser = new XMLParser({
  ignoreAttributes: false,
  isArray: (n) => ['configuration', 'param', 'extension', 'action', 'load'].includes(n),
});

function parsed(xml: string) {
  const doc = (parser.parse(xml) as { document: Doc }).document;
  const conf = (name: string): Conf => {
    const c = doc.section[0].configuration.find((x) => x['@_name'] === name);
    if (!c) throw new Error(`no ${name}`);
    return c;
  };
  const params = (ps: Param[]) => Object.fromEntries(ps.map((p) => [p['@_name'], p['@_value']]));
  return { doc, conf, params };
}

describe('renderFreeswitchXml', () => {
  const xml = renderFreeswitchXml(params);
  const { doc, conf, params: p } = parsed(xml);

  it('is well-formed XML with every placeholder filled', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/\{\{/);
  });

  it('switch.conf: core DB in PostgreSQL as the node role, the node RTP range', () => {
    const s = p(conf('switch.conf').settings.param);
    expect(s['core-db-dsn']).toBe(
      'pgsql://hostaddr=198.19.7.10 port=5432 dbname=freeswitch user=fs_fs1 password=fs_fs1',
    );
    expect(s['rtp-start-port']).toBe('20000');
    expect(s['rtp-end-port']).toBe('20999');
    expect(s.switchname).toBe('fs1');
    expect(conf('pre_load_modules.conf').modules.load.map((l) => l['@_module'])).toEqual(['mod_pgsql']);
    const mods = conf('modules.conf').modules.load.map((l) => l['@_module']);
    for (const m of [
      'mod_sofia',
      'mod_event_socket',
      'mod_commands',
      'mod_dptools',
      'mod_conference',
      'mod_dialplan_xml',
    ])
      expect(mods).toContain(m);
  });

  it('one sofia profile with track-calls, bound to the service IP', () => {
    const profile = conf('sofia.conf').profiles.profile;
    expect(profile['@_name']).toBe('internal');
    const s = p(profile.settings.param);
    expect(s['track-calls']).toBe('true');
    expect(s['sip-ip']).toBe('198.19.7.41');
    expect(s['rtp-ip']).toBe('198.19.7.41');
  });

  it('ESL on the lab address with the (escaped) password', () => {
    const s = p(conf('event_socket.conf').settings.param);
    expect(s).toMatchObject({ 'listen-ip': '198.19.7.41', 'listen-port': '8021', password: 'lab&secret' });
  });

  it('dialplan: echo, tone, conference, and bridge to the callee through the proxy', () => {
    const exts: Array<{
      '@_name': string;
      condition: { '@_expression': string; action: Array<{ '@_application': string; '@_data'?: string }> };
    }> = doc.section[1].context.extension;
    const byNumber = Object.fromEntries(exts.map((e) => [e.condition['@_expression'], e.condition.action]));
    expect(byNumber['^1000$']?.map((a) => a['@_application'])).toEqual(['answer', 'echo']);
    expect(byNumber['^1001$']?.[1]?.['@_data']).toBe('tone_stream://%(1000,0,440);loops=-1');
    expect(byNumber['^2000$']?.[0]).toEqual({
      '@_application': 'bridge',
      '@_data': 'sofia/internal/callee@198.19.7.1:5080;fs_path=sip:198.19.7.20:5060',
    });
    expect(byNumber['^3000$']?.[1]).toEqual({ '@_application': 'conference', '@_data': 'zd-3000@default' });
  });

  it('bad input is an error naming the field', () => {
    const bad = (over: Partial<FreeswitchXmlParams>, field: RegExp) => {
      try {
        renderFreeswitchXml({ ...params, ...over });
        expect.unreachable();
      } catch (e) {
        expect(isScenarioConfigError(e)).toBe(true);
        expect((e as Error).message).toMatch(field);
      }
    };
    bad({ dialplan: [{ number: '2000', app: 'bridge' }] }, /dialplan\.0\.target/);
    bad({ rtpPorts: { min: 30_000, max: 20_000 } }, /rtpPorts/);
    bad({ db: { ...params.db, host: 'pg.lab' } }, /db\.host.*IPv4/);
    bad({ db: { ...params.db, user: 'fs1; drop' } }, /db\.user/);
    bad({ dialplan: [params.dialplan[0]!, params.dialplan[0]!] }, /appears twice/);
  });

  it('quotes DSN values libpq would split', () => {
    expect(coreDbDsn({ ...params.db, password: "a b'c" })).toBe(
      "pgsql://hostaddr=198.19.7.10 port=5432 dbname=freeswitch user=fs_fs1 password='a b\\'c'",
    );
  });
});

describe('realFreeswitchSpec', () => {
  const node = (topology: FreeswitchNodeContext['topology'], index: number): FreeswitchNodeContext => {
    const addresses = labAddresses(7, 2);
    const ip = addresses.freeswitch[index - 1]!;
    return {
      labId: 'l',
      topology,
      index,
      name: `fs${index}`,
      ip,
      serviceIp: topology === 'keepalived' ? addresses.vip : ip,
      rtpPorts: rtpPortRange(index),
      addresses,
      labImage: 'zerodrop/lab:x',
    };
  };
  const opts = {
    image: 'my/freeswitch:1.10',
    eslPassword: 'pw',
    dialplan: params.dialplan,
    binary: '/usr/local/freeswitch/bin/freeswitch',
  };

  it('farm: the user image, -nonat -nc -nf with our conf dir, disjoint RTP ranges, proxy path, own DB role', () => {
    const [a, b] = [realFreeswitchSpec(opts, node('farm', 1)), realFreeswitchSpec(opts, node('farm', 2))];
    expect(a.image).toBe('my/freeswitch:1.10');
    const start = a.files.find((f) => f.path.endsWith('start.sh'))!.content;
    expect(start).toMatch(
      /exec '\/usr\/local\/freeswitch\/bin\/freeswitch' -nonat -nc -nf -conf \/etc\/zerodrop\/freeswitch /,
    );
    const xmlA = a.files.find((f) => f.path === '/etc/zerodrop/freeswitch/freeswitch.xml')!.content;
    const xmlB = b.files.find((f) => f.path === '/etc/zerodrop/freeswitch/freeswitch.xml')!.content;
    expect(xmlA).toContain('user=fs_fs1 password=fs_fs1');
    expect(xmlB).toContain('user=fs_fs2 password=fs_fs2');
    expect(xmlA).toContain('value="20000"');
    expect(xmlB).toContain('value="21000"');
    expect(xmlA).toContain(';fs_path=sip:198.19.7.20:5060');
    expect(a.sysctls).toBeUndefined();
    expect(a.keepalivedCheck).toBeUndefined();
  });

  it('keepalived: binds the VIP with nonlocal bind, health check and MASTER hook through fs_cli', () => {
    const s = realFreeswitchSpec(opts, node('keepalived', 2));
    expect(s.sysctls).toEqual({ 'net.ipv4.ip_nonlocal_bind': '1' });
    const xml = s.files[0]!.content;
    expect(xml).toContain('name="sip-ip" value="198.19.7.40"');
    expect(xml).toContain('name="listen-ip" value="198.19.7.42"');
    expect(xml).not.toContain('fs_path');
    expect(s.keepalivedCheck).toContain(
      "'/usr/local/freeswitch/bin/fs_cli' -H 198.19.7.42 -P 8021 -p 'pw' -t 1000 -x 'sofia status'",
    );
    expect(s.keepalivedOnState).toContain("-x 'sofia recover'");
  });
});
