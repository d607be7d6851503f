import { describe, expect, it } from 'vitest';
import { makeRequest } from '../sip/sip-message.js';
import { CALL_KEY_HEADER, callerUser, callKeyOf } from './call-key.js';

const invite = (headers: Array<[string, string]>) =>
  makeRequest('INVITE', 'sip:uas@127.0.0.1:5080', [
    ['To', '<sip:uas@127.0.0.1>'],
    ['Call-ID', 'b-leg'],
    ...headers,
  ]);

describe('callKeyOf', () => {
  it('reads the X-Zerodrop-Call header FreeSWITCH copied to the B-leg', () => {
    expect(
      callKeyOf(
        invite([
          ['From', '"x" <sip:1000@fs>;tag=a'],
          [CALL_KEY_HEADER, '17'],
        ]),
      ),
    ).toBe(17);
  });
  it('falls back to the caller id FreeSWITCH kept in From', () => {
    expect(
      callKeyOf(invite([['From', `"${callerUser(42)}" <sip:${callerUser(42)}@198.19.1.41>;tag=a`]])),
    ).toBe(42);
  });
  it('knows no key for a stranger', () => {
    expect(
      callKeyOf(
        invite([
          ['From', '<sip:1000@fs>;tag=a'],
          [CALL_KEY_HEADER, 'abc'],
        ]),
      ),
    ).toBeUndefined();
  });
});
