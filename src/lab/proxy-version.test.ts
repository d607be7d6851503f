import { describe, expect, it } from 'vitest';
import { parseProxyVersion } from './proxy-version.js';

describe('parseProxyVersion', () => {
  it('reads OpenSIPS and Kamailio version lines', () => {
    expect(
      parseProxyVersion('version: opensips 3.5.9 (x86_64/linux)\nflags: STATS: On, SHM_MMAP, USE_RAW_SOCKS'),
    ).toBe('3.5.9');
    expect(parseProxyVersion('version: kamailio 5.6.3 (x86_64/linux) \nflags: USE_TCP')).toBe('5.6.3');
  });
  it('says nothing for anything else', () => {
    expect(parseProxyVersion('sh: 1: opensips: not found')).toBeUndefined();
  });
});
