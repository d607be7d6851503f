// Packs a FreeSWITCH installed on this host (a prefix such as /usr/local/freeswitch) onto the lab base image:
// the prefix packer with FreeSWITCH's binary and smoke test.
import { type PackOptions, type PackProduct, type PackResult, packPrefixImage } from './pack-prefix-image.js';

export type { PackOptions, PackResult } from './pack-prefix-image.js';

/** FreeSWITCH: bin/freeswitch, smoke-tested with -version. */
export const freeswitchProduct: PackProduct = {
  name: 'freeswitch',
  binary: 'bin/freeswitch',
  versionArgs: ['-version'],
};

/** Packs the prefix as `zerodrop/freeswitch:<hash>`; throws LabError naming unresolved libraries or packages to add. */
export function packFreeswitchImage(o: PackOptions): Promise<PackResult> {
  return packPrefixImage(freeswitchProduct, o);
}
