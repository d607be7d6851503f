import { describe, expect, it } from 'vitest';
import { Dialog } from './dialog.js';
import { makeRequest, makeResponse } from './sip-message.js';

const invite = () =>
  makeRequest('INVITE', 'sip:echo@127.0.0.20', [
    ['Via', 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1;rport'],
    ['From', '<sip:zd@127.0.0.1>;tag=ours'],
    ['To', '<sip:echo@127.0.0.20>'],
    ['Call-ID', 'd1'],
    ['CSeq', '1 INVITE'],
    ['Contact', '<sip:zd@127.0.0.1:5070>'],
    ['Record-Route', '<sip:127.0.0.20;lr;ftag=ours>'],
    ['Record-Route', '<sip:127.0.0.30;lr>'],
  ]);

describe('Dialog', () => {
  it('UAC: route set is Record-Route reversed; in-dialog requests go to the first route, R-URI = target', () => {
    const req = invite();
    const ok = makeResponse(req, 200, {
      toTag: 'theirs',
      headers: [['Contact', '<sip:fs@127.0.0.41:5060>']],
    });
    const d = Dialog.asUac(req, ok);
    expect(d.routeSet).toEqual(['<sip:127.0.0.30;lr>', '<sip:127.0.0.20;lr;ftag=ours>']);
    const bye = d.createRequest('BYE');
    expect(bye.uri).toBe('sip:fs@127.0.0.41:5060');
    expect(bye.headers.getAll('Route')).toEqual(d.routeSet);
    expect(bye.headers.get('CSeq')).toBe('2 BYE');
    expect(bye.headers.get('From')).toBe('<sip:zd@127.0.0.1>;tag=ours');
    expect(bye.headers.get('To')).toBe('<sip:echo@127.0.0.20>;tag=theirs');
    expect(d.nextHop()).toEqual({ address: '127.0.0.30', port: 5060 });
  });

  it('UAS: a re-INVITE refreshes the remote target; a lower CSeq is flagged and not adopted', () => {
    const d = Dialog.asUas(invite(), 'mine');
    expect(d.routeSet).toEqual(['<sip:127.0.0.20;lr;ftag=ours>', '<sip:127.0.0.30;lr>']);
    const re = makeRequest('INVITE', 'sip:uas@127.0.0.1:5080', [
      ['From', '<sip:zd@127.0.0.1>;tag=ours'],
      ['To', '<sip:echo@127.0.0.20>;tag=mine'],
      ['Call-ID', 'd1'],
      ['CSeq', '123331595 INVITE'],
      ['Contact', '<sip:zd@127.0.0.42:5060>'],
    ]);
    expect(d.receiveRequest(re)).toEqual({
      lowerCseq: false,
      targetRefreshed: { from: 'sip:zd@127.0.0.1:5070', to: 'sip:zd@127.0.0.42:5060' },
    });
    expect(d.remoteSeq).toBe(123331595);
    re.headers.set('CSeq', '5 INVITE');
    expect(d.receiveRequest(re).lowerCseq).toBe(true);
    expect(d.remoteSeq).toBe(123331595);
  });

  it('strict route (no lr): first route becomes the Request-URI, target goes last', () => {
    const req = invite();
    req.headers.setAll('Record-Route', ['<sip:127.0.0.20>']);
    const d = Dialog.asUac(
      req,
      makeResponse(req, 200, { toTag: 't', headers: [['Contact', '<sip:fs@127.0.0.41>']] }),
    );
    const bye = d.createRequest('BYE');
    expect(bye.uri).toBe('sip:127.0.0.20');
    expect(bye.headers.getAll('Route')).toEqual(['<sip:fs@127.0.0.41>']);
  });

  it('snapshot/restore keeps identity, CSeq space and route set (a recovering node re-INVITEs from it)', () => {
    const req = invite();
    const d = Dialog.asUac(
      req,
      makeResponse(req, 200, { toTag: 't', headers: [['Contact', '<sip:fs@127.0.0.41>']] }),
    );
    d.createRequest('INFO');
    const again = Dialog.restore(JSON.parse(JSON.stringify(d.snapshot())));
    const re = again.createRequest('INVITE', { cseq: 123331595 });
    expect(re.headers.get('CSeq')).toBe('123331595 INVITE');
    expect(again.createRequest('BYE').headers.get('CSeq')).toBe('123331596 BYE');
    expect(re.headers.getAll('Route')).toEqual(d.routeSet);
    expect(again.snapshot()).toMatchObject({ callId: 'd1', localTag: 'ours', remoteTag: 't' });
  });
});
