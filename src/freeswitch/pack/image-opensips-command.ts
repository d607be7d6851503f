// `zerodrop image opensips --from-prefix DIR`: packs a host-installed OpenSIPS onto the lab image.
import type { Command } from 'commander';
import { packImageCommand } from './pack-image-command.js';
import { packOpensipsImage } from './pack-opensips-image.js';

/** The `opensips` subcommand, mounted under `zerodrop image`. */
export function imageOpensipsCommand(): Command {
  return packImageCommand({
    name: 'opensips',
    description:
      'pack an OpenSIPS installed on this host (binary, modules, libraries) onto the lab base image (no registry, no network during the build)',
    examplePrefix: '/opt/opensips (make prefix=… install)',
    pack: packOpensipsImage,
    useHint: (tag) => `--proxy opensips --opensips-image ${tag}`,
  });
}
