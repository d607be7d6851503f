import { describe, expect, it } from 'vitest';
import { isScenarioConfigError } from '../common/errors.js';
import { proxyLabel, selectProxy } from './proxy-choice.js';

const problem = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (isScenarioConfigError(e)) return e.message;
    throw e;
  }
  throw new Error('no error');
};

describe('selectProxy', () => {
  it('defaults to Kamailio from the lab image', () => {
    expect(selectProxy({})).toEqual({ kind: 'kamailio' });
    expect(selectProxy({ requested: 'kamailio' })).toEqual({ kind: 'kamailio' });
  });
  it('runs OpenSIPS from the given image, also when only the image is given', () => {
    expect(selectProxy({ requested: 'opensips', opensipsImage: 'zerodrop/opensips:abc' })).toEqual({
      kind: 'opensips',
      image: 'zerodrop/opensips:abc',
    });
    expect(selectProxy({ opensipsImage: ' my/osips:3.5 ' })).toEqual({
      kind: 'opensips',
      image: 'my/osips:3.5',
    });
  });
  it("follows the scenario's proxy unless --proxy or an OpenSIPS image says otherwise", () => {
    expect(selectProxy({ fallback: 'kamailio', opensipsImage: 'o:1' })).toEqual({
      kind: 'opensips',
      image: 'o:1',
    });
    expect(selectProxy({ fallback: 'opensips', opensipsImage: 'o:1' })).toEqual({
      kind: 'opensips',
      image: 'o:1',
    });
    expect(selectProxy({ fallback: 'kamailio' })).toEqual({ kind: 'kamailio' });
    expect(problem(() => selectProxy({ fallback: 'opensips', where: 'x.ts: topology.proxy' }))).toMatch(
      /^x\.ts: topology\.proxy: opensips needs --opensips-image/,
    );
    expect(() => selectProxy({ requested: 'kamailio', fallback: 'opensips', opensipsImage: 'o:1' })).toThrow(
      /but the proxy is kamailio/,
    );
  });
  it('refuses OpenSIPS without an image, naming the option and the pack command', () => {
    const m = problem(() => selectProxy({ requested: 'opensips' }));
    expect(m).toMatch(/^--proxy: opensips needs --opensips-image IMG/);
    expect(m).toContain('zerodrop image opensips --from-prefix');
    expect(problem(() => selectProxy({ requested: 'opensips', where: 'topology.proxy' }))).toMatch(
      /^topology\.proxy:/,
    );
    expect(problem(() => selectProxy({ requested: 'opensips', opensipsImage: '  ' }))).toMatch(
      /^--opensips-image: empty/,
    );
  });
  it('refuses an OpenSIPS image with Kamailio, and unknown proxies', () => {
    expect(problem(() => selectProxy({ requested: 'kamailio', opensipsImage: 'x' }))).toMatch(
      /--opensips-image: given \(x\) but the proxy is kamailio/,
    );
    expect(problem(() => selectProxy({ requested: 'asterisk' }))).toMatch(
      /unknown proxy "asterisk" \(kamailio \| opensips\)/,
    );
  });
});

describe('proxyLabel', () => {
  it('names the proxy, its version and image', () => {
    expect(proxyLabel({ kind: 'kamailio' })).toBe('kamailio (lab image)');
    expect(proxyLabel({ kind: 'opensips', image: 'zerodrop/opensips:1' }, '3.5.9')).toBe(
      'opensips 3.5.9 (image zerodrop/opensips:1)',
    );
  });
});
