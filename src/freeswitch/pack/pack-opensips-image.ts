// Packs an OpenSIPS installed on this host (e.g. `make prefix=/opt/opensips install`) onto the lab base image,
// with the environment lab/opensips/start.sh reads: where the binary and the modules are.
import { dirname, join } from 'node:path';
import { LabError } from '../../common/errors.js';
import { type PackOptions, type PackProduct, type PackResult, packPrefixImage } from './pack-prefix-image.js';

/** The module directory of an OpenSIPS prefix: the one holding tm.so among its ELF files. */
export function opensipsModulesDir(prefix: string, elfFiles: readonly string[]): string {
  const tm = elfFiles.find((f) => f.endsWith('/tm.so') && f.startsWith(`${prefix}/`));
  if (!tm)
    throw new LabError(
      'image',
      'pack opensips',
      `no tm.so under ${prefix}: is this an OpenSIPS install prefix (make prefix=${prefix} install)?`,
    );
  return dirname(tm);
}

/** OpenSIPS: sbin/opensips, smoke-tested with -V; OPENSIPS_BIN, OPENSIPS_MPATH and PATH set in the image. */
export const opensipsProduct: PackProduct = {
  name: 'opensips',
  binary: 'sbin/opensips',
  versionArgs: ['-V'],
  env: (prefix, elfFiles) => ({
    OPENSIPS_BIN: join(prefix, 'sbin', 'opensips'),
    OPENSIPS_MPATH: opensipsModulesDir(prefix, elfFiles),
    PATH: `${join(prefix, 'sbin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
  }),
};

/** Packs the prefix as `zerodrop/opensips:<hash>`; throws LabError naming unresolved libraries or packages to add. */
export function packOpensipsImage(o: PackOptions): Promise<PackResult> {
  return packPrefixImage(opensipsProduct, o);
}
