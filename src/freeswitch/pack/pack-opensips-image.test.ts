import { describe, expect, it } from 'vitest';
import { isLabError } from '../../common/errors.js';
import { opensipsModulesDir, opensipsProduct } from './pack-opensips-image.js';

describe('OpenSIPS packing', () => {
  const elf = ['/opt/opensips/sbin/opensips', '/opt/opensips/lib64/opensips/modules/tm.so'];
  it('finds the module directory by tm.so and bakes binary, modules and PATH into the image', () => {
    expect(opensipsModulesDir('/opt/opensips', elf)).toBe('/opt/opensips/lib64/opensips/modules');
    expect(opensipsProduct.env?.('/opt/opensips', elf)).toMatchObject({
      OPENSIPS_BIN: '/opt/opensips/sbin/opensips',
      OPENSIPS_MPATH: '/opt/opensips/lib64/opensips/modules',
      PATH: expect.stringMatching(/^\/opt\/opensips\/sbin:/),
    });
  });
  it('refuses a prefix without tm.so, naming it', () => {
    let err: unknown;
    try {
      opensipsModulesDir('/usr/local/freeswitch', ['/usr/local/freeswitch/bin/freeswitch']);
    } catch (e) {
      err = e;
    }
    expect(isLabError(err)).toBe(true);
    expect(String(err)).toMatch(/no tm\.so under \/usr\/local\/freeswitch/);
  });
});
