// The lab's dialplan: the numbers the harness dials and where a bridge sends the B-leg (back to the harness callee).
import type { DialplanEntry } from './render-config.js';

/** SIP port of the harness callee UA on the lab gateway address (bridge B-legs arrive there). */
export const CALLEE_SIP_PORT = 5080;

/** echo, bridge (to the harness callee through the proxy), conference, tone. */
export function labDialplan(gateway: string): DialplanEntry[] {
  return [
    { number: 'echo', app: 'echo' },
    { number: 'bridge', app: 'bridge', target: `callee@${gateway}:${CALLEE_SIP_PORT}` },
    { number: 'conference', app: 'conference' },
    { number: 'tone', app: 'tone' },
  ];
}
