import { describe, expect, it } from 'vitest';
import { parseRecoverReply, parseShowCalls, parseStatus } from './esl-replies.js';

describe('FreeSWITCH reply parsers', () => {
  it('reads every recover wording of FreeSWITCH 1.10', () => {
    expect(parseRecoverReply('+OK 4 session(s) recovered in total\n')).toEqual({
      recovered: 4,
      flushed: false,
    });
    expect(parseRecoverReply('Recovered 2 call(s)\n')).toEqual({ recovered: 2, flushed: false });
    expect(parseRecoverReply('Recovered 3 session(s)\n')).toEqual({ recovered: 3, flushed: false });
    expect(parseRecoverReply('No calls to recover.\n')).toEqual({ recovered: 0, flushed: false });
    expect(parseRecoverReply('No sessions to recover.\n')).toEqual({ recovered: 0, flushed: false });
    expect(parseRecoverReply('+OK flushed\n')).toEqual({ recovered: 0, flushed: true });
    expect(parseRecoverReply('Flushing recovery database.\n')).toEqual({ recovered: 0, flushed: true });
    expect(parseRecoverReply('-ERR no such profile')).toBeUndefined();
  });

  it('reads status', () => {
    const text =
      'UP 0 years, 0 days, 1 hour, 2 minutes, 3 seconds, 4 milliseconds, 5 microseconds\n' +
      'FreeSWITCH (Version 1.10.12-release 64bit) is ready\n' +
      '10 session(s) since startup\n' +
      '4 session(s) - peak 6, last 5min 6 \n' +
      '0 session(s) per Sec out of max 50, peak 2, last 5min 2 \n' +
      '200 session(s) max\nmin idle cpu 0.00/97.00\nCurrent Stack Size/Max 240K/8192K\n';
    expect(parseStatus(text)).toEqual({
      ready: true,
      sessions: 4,
      uptimeMs: 3_723_004.005,
      identity: 'FreeSWITCH (Version 1.10.12-release 64bit) is ready',
    });
    expect(parseStatus('-ERR')).toBeUndefined();
  });

  it('reads show calls (CSV, blank line, N total.)', () => {
    const text =
      'uuid,direction,state,b_uuid\nu1,inbound,CS_EXECUTE,u2\nu3,inbound,CS_EXECUTE,\n\n2 total.\n';
    expect(parseShowCalls(text)).toEqual({
      count: 2,
      rows: [
        { uuid: 'u1', direction: 'inbound', state: 'CS_EXECUTE', b_uuid: 'u2' },
        { uuid: 'u3', direction: 'inbound', state: 'CS_EXECUTE', b_uuid: '' },
      ],
    });
    expect(parseShowCalls('\n0 total.\n')).toEqual({ count: 0, rows: [] });
  });
});
