// SIP text helpers fs-sim shares with the project's SIP stack (re-exported so fs-sim modules import one place).
import { splitHeaderList } from '../../src/sip/sip-headers.js';

export { parseNameAddr, parseSipUri } from '../../src/sip/sip-uri.js';

/** Splits a comma list of name-addrs (Route, Record-Route, Via) at top level. */
export const splitHeaderListSafe = (value: string): string[] => splitHeaderList(value);
