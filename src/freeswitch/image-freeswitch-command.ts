// `zerodrop image freeswitch --from-prefix DIR`: packs a host-installed FreeSWITCH onto the lab image.
import type { Command } from 'commander';
import { packFreeswitchImage } from './pack/pack-freeswitch-image.js';
import { packImageCommand } from './pack/pack-image-command.js';

/** The `freeswitch` subcommand, for the lead to mount under `zerodrop image`. */
export function imageFreeswitchCommand(): Command {
  return packImageCommand({
    name: 'freeswitch',
    description:
      'pack a FreeSWITCH installed on this host onto the lab base image (no registry, no network during the build)',
    examplePrefix: '/usr/local/freeswitch',
    pack: packFreeswitchImage,
    useHint: (tag) => `--freeswitch-image ${tag}`,
  });
}
