// The `zerodrop image <product> --from-prefix DIR` commands: one shape for every server packed from a host prefix.
import { Command } from 'commander';
import { errorMessage } from '../../common/errors.js';
import { labImageTag } from '../../lab/image-build.js';
import type { PackOptions, PackResult } from './pack-prefix-image.js';

/** What differs between the pack commands. */
export interface PackImageCommandSpec {
  /** Subcommand and image name: freeswitch, opensips. */
  name: string;
  description: string;
  /** Shown in the --from-prefix help, e.g. /usr/local/freeswitch. */
  examplePrefix: string;
  pack: (o: PackOptions) => Promise<PackResult>;
  /** How to use the packed tag, e.g. `--freeswitch-image ${tag}`. */
  useHint: (tag: string) => string;
}

/** A `zerodrop image <name>` subcommand that packs a host prefix onto the lab image and prints how to use it. */
export function packImageCommand(spec: PackImageCommandSpec): Command {
  return new Command(spec.name)
    .description(spec.description)
    .requiredOption('--from-prefix <dir>', `absolute install prefix, e.g. ${spec.examplePrefix}`)
    .option('--tag <tag>', `image tag (default zerodrop/${spec.name}:<content hash>)`)
    .option('--base <image>', 'image to build FROM (default: the lab image tag)')
    .option('--copy-host-libs', "copy the host's Debian libraries the base lacks instead of failing", false)
    .action(async (opts: { fromPrefix: string; tag?: string; base?: string; copyHostLibs: boolean }) => {
      try {
        const r = await spec.pack({
          prefix: opts.fromPrefix,
          baseImage: opts.base ?? labImageTag(),
          tag: opts.tag,
          missingLibs: opts.copyHostLibs ? 'copy-host' : 'fail',
          onProgress: (line) => process.stderr.write(`${line}\n`),
        });
        process.stdout.write(
          [
            `${r.built ? 'built' : 'already present'}: ${r.tag}`,
            `checked ${r.elfFiles} ELF files: ${r.closure.inPrefix.length} libraries in the prefix, ${r.closure.inBase.length} from the base image, ${r.copiedHostLibs.length} copied from the host`,
            `version: ${r.versionOutput.split('\n')[0] ?? ''}`,
            `use it: ${spec.useHint(r.tag)}`,
            '',
          ].join('\n'),
        );
      } catch (e) {
        process.stderr.write(`zerodrop image ${spec.name}: ${errorMessage(e)}\n`);
        process.exitCode = 1;
      }
    });
}
