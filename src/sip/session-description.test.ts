import { describe, expect, it } from 'vitest';
import { answerDirection, buildSdp, parseRemoteMedia } from './session-description.js';

const FS_RECOVERY_SDP = [
  'v=0',
  'o=FreeSWITCH 1795754132 1795754134 IN IP4 192.0.2.2',
  's=FreeSWITCH',
  'c=IN IP4 127.0.0.2',
  't=0 0',
  'm=audio 16642 RTP/AVP 0 101 13',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/0',
  'a=fmtp:101 0-15',
  'a=rtpmap:13 CN/0',
  'a=ptime:20',
  '',
].join('\r\n');

describe('session description', () => {
  it("reads FreeSWITCH's recovery SDP: media address from c=, not o=", () => {
    expect(parseRemoteMedia(FS_RECOVERY_SDP)).toEqual({
      ip: '127.0.0.2',
      port: 16642,
      active: true,
      version: 1795754134,
      direction: 'sendrecv',
    });
  });

  it('round-trips our own SDP and answers a hold with recvonly', () => {
    const offer = buildSdp({ ip: '127.0.0.1', port: 30000, sessionId: 7, version: 3, direction: 'sendonly' });
    const parsed = parseRemoteMedia(offer);
    expect(parsed).toMatchObject({
      ip: '127.0.0.1',
      port: 30000,
      version: 3,
      direction: 'sendonly',
      active: false,
    });
    expect(offer).toContain('a=rtpmap:0 PCMU/8000');
    expect(answerDirection('sendonly')).toBe('recvonly');
    expect(answerDirection('inactive')).toBe('inactive');
  });

  it('returns undefined for garbage or SDP without audio', () => {
    expect(parseRemoteMedia('not sdp at all')).toBeUndefined();
    expect(parseRemoteMedia('v=0\r\nc=IN IP4 1.2.3.4\r\nm=video 5000 RTP/AVP 96\r\n')).toBeUndefined();
  });
});
