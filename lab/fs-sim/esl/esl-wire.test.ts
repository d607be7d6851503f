import { describe, expect, it } from 'vitest';
import { CommandReader } from './command-reader.js';
import { apiResponse, commandReply, eventPacket, serializePlain, urlEncode } from './esl-wire.js';

describe('ESL wire format (mod_event_socket.c / switch_event_serialize)', () => {
  it('url-encodes like switch_url_encode: unsafe ASCII, UTF-8 bytes, existing %XX kept', () => {
    expect(urlEncode('Fri, 27 Nov 2026 11:00:00 GMT')).toBe('Fri,%2027%20Nov%202026%2011%3A00%3A00%20GMT');
    expect(urlEncode('sofia::recovery_recovered')).toBe('sofia%3A%3Arecovery_recovered');
    expect(urlEncode('a%40b')).toBe('a%40b');
    expect(urlEncode('é')).toBe('%C3%A9');
    expect(urlEncode('x\ny')).toBe('x%0Ay');
  });

  it('frames a plain event with byte-exact Content-Length and the body after its own Content-Length', () => {
    const headers: Array<[string, string]> = [
      ['Event-Name', 'BACKGROUND_JOB'],
      ['Job-UUID', 'j1'],
    ];
    const payload = serializePlain(headers, '+OK é\n');
    expect(payload).toBe('Event-Name: BACKGROUND_JOB\nJob-UUID: j1\nContent-Length: 7\n\n+OK é\n');
    const packet = eventPacket('plain', headers, '+OK é\n');
    expect(packet).toBe(
      `Content-Length: ${Buffer.byteLength(payload)}\nContent-Type: text/event-plain\n\n${payload}`,
    );
    expect(serializePlain([['Event-Name', 'HEARTBEAT']])).toBe('Event-Name: HEARTBEAT\n\n');
  });

  it('json events carry the body as _body with its Content-Length', () => {
    const packet = eventPacket('json', [['Event-Name', 'CUSTOM']], 'hi');
    const [head, json] = packet.split('\n\n');
    expect(head).toBe(`Content-Length: ${Buffer.byteLength(json!)}\nContent-Type: text/event-json`);
    expect(JSON.parse(json!)).toEqual({ 'Event-Name': 'CUSTOM', 'Content-Length': '2', _body: 'hi' });
  });

  it('api/response and command/reply packets', () => {
    expect(apiResponse('+OK\n')).toBe('Content-Type: api/response\nContent-Length: 4\n\n+OK\n');
    expect(apiResponse('')).toBe('Content-Type: api/response\nContent-Length: 14\n\n-ERR no reply\n');
    expect(commandReply('+OK Job-UUID: x', { 'Job-UUID': 'x' })).toBe(
      'Content-Type: command/reply\nReply-Text: +OK Job-UUID: x\nJob-UUID: x\n\n',
    );
  });

  it('reads commands split anywhere, with CRLF, headers and a Content-Length body', () => {
    const r = new CommandReader();
    const wire = Buffer.from(
      '\r\nauth pw\r\n\r\nbgapi status\nJob-UUID: abc\n\nsendevent CUSTOM\nContent-Length: 3\n\nxyzapi status\n\n',
    );
    const got = [];
    for (let i = 0; i < wire.length; i += 5) got.push(...r.push(wire.subarray(i, i + 5)));
    expect(got).toEqual([
      { command: 'auth pw', headers: {}, body: '' },
      { command: 'bgapi status', headers: { 'job-uuid': 'abc' }, body: '' },
      { command: 'sendevent CUSTOM', headers: { 'content-length': '3' }, body: 'xyz' },
      { command: 'api status', headers: {}, body: '' },
    ]);
  });

  it('rejects an out-of-range Content-Length', () => {
    expect(() => new CommandReader().push(Buffer.from('x\nContent-Length: 99999999999\n\n'))).toThrow(
      /out of range/,
    );
  });
});
