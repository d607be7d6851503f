import { describe, expect, it } from 'vitest';
import { showCallsUuids } from './recovery-snapshot.js';

describe('showCallsUuids', () => {
  it('takes every leg uuid of `show calls` (A-leg, call_uuid and b_uuid of a bridge), once each', () => {
    const text = [
      'uuid,direction,created,created_epoch,name,state,cid_name,cid_num,ip_addr,dest,presence_id,presence_data,accountcode,callstate,callee_name,callee_num,callee_direction,call_uuid,hostname,sent_callee_name,sent_callee_num,b_uuid,b_direction',
      '0E80A4D6-9280-4377-a8d3-beeff880c770,inbound,2026-11-27 13:45:44,1795873544,sofia/internal/bridge@198.19.1.40,CS_EXECUTE,,,198.19.1.1,bridge,,,,ACTIVE,,,,0e80a4d6-9280-4377-a8d3-beeff880c770,fs1,,,1766d447-0241-470f-b1ba-e8f80b08c78f,outbound',
      '',
      '1 total.',
    ].join('\n');
    expect(showCallsUuids(text)).toEqual([
      '0e80a4d6-9280-4377-a8d3-beeff880c770',
      '1766d447-0241-470f-b1ba-e8f80b08c78f',
    ]);
  });

  it('finds none on an idle node', () => {
    expect(showCallsUuids('uuid,direction,created\n\n0 total.\n')).toEqual([]);
  });
});
