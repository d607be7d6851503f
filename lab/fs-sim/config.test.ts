import { describe, expect, it } from 'vitest';
import { parseFsSimConfig, routeNumber } from './config.js';

const base = {
  switchname: 'fs-a',
  sip: { ip: '127.0.0.2' },
  media: { ip: '127.0.0.2', rtpStart: 16384, rtpEnd: 16999 },
  esl: { port: 8021, password: 'ClueCon' },
  db: { pg: 'postgres://fs_a@127.0.0.1:5432/freeswitch' },
  proxy: '127.0.0.20:5060',
  dialplan: [
    { number: '1000', app: 'echo' },
    { number: '2000', app: 'bridge', target: 'uas@127.0.0.31:5080' },
  ],
};

describe('fs-sim config', () => {
  it('fills FreeSWITCH defaults (port 5060, profile internal, measured queue delays)', () => {
    const c = parseFsSimConfig(base, 'cfg.json');
    expect(c.sip).toEqual({ ip: '127.0.0.2', port: 5060, profile: 'internal' });
    expect(c.timing).toEqual({
      insertDelayMs: 300,
      deleteDelayMs: 100,
      partnerWaitMs: 2000,
      reinviteTimeoutMs: 32000,
    });
    expect(routeNumber(c, '2000')?.target).toBe('uas@127.0.0.31:5080');
    expect(routeNumber(c, '9999')).toBeUndefined();
  });

  it('names the file and field of a bad value', () => {
    expect(() =>
      parseFsSimConfig({ ...base, media: { ip: '127.0.0.2', rtpStart: 17000, rtpEnd: 16000 } }, 'a.json'),
    ).toThrow(/a.json: media: rtpStart must be <= rtpEnd/);
    expect(() => parseFsSimConfig({ ...base, sip: { ip: 'nope' } }, 'b.json')).toThrow(/b.json: sip.ip/);
    expect(() =>
      parseFsSimConfig({ ...base, dialplan: [{ number: '2000', app: 'bridge' }] }, 'c.json'),
    ).toThrow(/c.json: dialplan.0.target: bridge needs a target/);
    expect(() => parseFsSimConfig({ ...base, db: {} }, 'd.json')).toThrow(/d.json: db/);
  });
});
