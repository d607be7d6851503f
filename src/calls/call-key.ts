// Call identity across FreeSWITCH's bridge: which harness call a callee-leg INVITE belongs to.
import type { SipRequest } from '../sip/sip-message.js';
import { parseNameAddr, parseSipUri } from '../sip/sip-uri.js';

/** Header that carries the callKey through FreeSWITCH's bridge (X- headers are copied to the B-leg). */
export const CALL_KEY_HEADER = 'X-Zerodrop-Call';

/** The From user we give the caller leg; FreeSWITCH keeps it as caller id on the B-leg. */
export const callerUser = (callKey: number): string => `zd${callKey}`;

/** The callKey of a callee-leg INVITE: X-Zerodrop-Call, else a From user `zdN`; undefined when neither. */
export function callKeyOf(req: SipRequest): number | undefined {
  const header = req.headers.get(CALL_KEY_HEADER);
  if (header && /^\d+$/.test(header.trim())) return Number(header.trim());
  const fromUser = parseSipUri(parseNameAddr(req.headers.get('From') ?? '')?.uri ?? '')?.user ?? '';
  const m = /^zd(\d+)$/.exec(fromUser);
  return m?.[1] ? Number(m[1]) : undefined;
}
