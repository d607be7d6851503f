// `zerodrop image opensips --from-prefix DIR`: packs a host-installed OpenSIPS onto the lab image.
import { Command } from 'commander';
import { errorMessage } from '../../common/errors.js';
import { labImageTag } from '../../lab/image-build.js';
import { packOpensipsImage } from './pack-opensips-image.js';

/** The `opensips` subcommand, mounted under `zerodrop image`. */
export function imageOpensipsCommand(): Command {
  return new Command('opensips')
    .description(
      'pack an OpenSIPS installed on this host (binary, modules, libraries) onto the lab base image (no registry, no network during the build)',
    )
    .requiredOption(
      '--from-prefix <dir>',
      'absolute install prefix, e.g. /opt/opensips (make prefix=… install)',
    )
    .option('--tag <tag>', 'image tag (default zerodrop/opensips:<content hash>)')
    .option('--base <image>', 'image to build FROM (default: the lab image tag)')
    .option('--copy-host-libs', "copy the host's Debian libraries the base lacks instead of failing", false)
    .action(async (opts: { fromPrefix: string; tag?: string; base?: string; copyHostLibs: boolean }) => {
      try {
        const r = await packOpensipsImage({
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
            `use it: --proxy opensips --opensips-image ${r.tag}`,
            '',
          ].join('\n'),
        );
      } catch (e) {
        process.stderr.write(`zerodrop image opensips: ${errorMessage(e)}\n`);
        process.exitCode = 1;
      }
    });
}
