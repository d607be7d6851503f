// `zerodrop image freeswitch --from-prefix`: packs a prefix onto the lab image.
// NOT FreeSWITCH: no FreeSWITCH exists on this machine, so the "prefix" holds real host ELF files under
// FreeSWITCH's names (tcpdump as bin/freeswitch, libsndfile as mod/mod_sndfile.so), which exercises the
// same closure, package mapping, build and in-image checks.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLabError } from '../src/common/errors.js';
import { packFreeswitchImage } from '../src/freeswitch/pack/pack-freeswitch-image.js';
import { labImageTag } from '../src/lab/image-build.js';

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const hasGcc = (() => {
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The lab image this checkout builds, else any lab image present. */
function baseImage(): string {
  const want = labImageTag();
  const present = docker('images', '--format', '{{.Repository}}:{{.Tag}}', 'zerodrop/lab')
    .split('\n')
    .filter(Boolean);
  const tag = present.includes(want) ? want : present[0];
  if (!tag) throw new Error(`no zerodrop/lab image: build ${want} first`);
  return tag;
}

describe('packing a host prefix onto the lab image (fake prefix, not FreeSWITCH)', () => {
  const root = mkdtempSync(join(tmpdir(), 'zd-pack-'));
  const prefix = join(root, 'freeswitch');
  const tags = new Set<string>();
  let base = '';
  beforeAll(() => {
    base = baseImage();
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    mkdirSync(join(prefix, 'mod'), { recursive: true });
    copyFileSync('/usr/bin/tcpdump', join(prefix, 'bin', 'freeswitch'));
    execFileSync('chmod', ['755', join(prefix, 'bin', 'freeswitch')]);
    // libsndfile needs libFLAC, which the lab image lacks (as mod_sndfile did in the real packing)
    copyFileSync('/usr/lib/x86_64-linux-gnu/libsndfile.so.1', join(prefix, 'mod', 'mod_sndfile.so'));
  });
  afterAll(() => {
    for (const t of tags) execFileSync('docker', ['rmi', '-f', t], { stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  });

  it('fails by default, naming the Debian package a module needs', async () => {
    const err = await packFreeswitchImage({ prefix, baseImage: base, versionArgs: ['--version'] }).catch(
      (e) => e,
    );
    expect(isLabError(err)).toBe(true);
    expect(String(err.message)).toMatch(
      /add these Debian packages to lab\/images\/packages\.txt[\s\S]*libflac12/,
    );
    expect(String(err.message)).toMatch(/libFLAC\.so\.12 ← libflac12 \(needed by mod\/mod_sndfile\.so\)/);
  });

  it('copy-host: builds with --network none, every ELF resolves in the image, the binary runs; a repeat is a no-op', async () => {
    const tag = `zerodrop/freeswitch-packtest:${process.pid}`;
    tags.add(tag);
    const r = await packFreeswitchImage({
      prefix,
      baseImage: base,
      tag,
      missingLibs: 'copy-host',
      versionArgs: ['--version'],
    });
    expect(r.built).toBe(true);
    expect(r.closure.missing.map((l) => l.soname)).toEqual(['libFLAC.so.12']);
    expect(r.copiedHostLibs).toContain('/usr/lib/x86_64-linux-gnu/libFLAC.so.12');
    expect(r.versionOutput).toMatch(/libpcap version/); // tcpdump's, from inside the image
    // The prefix sits at the same absolute path inside the image.
    const inImage = docker(
      'run',
      '--rm',
      '--network',
      'none',
      '--entrypoint',
      '/bin/sh',
      tag,
      '-c',
      `ldd ${prefix}/mod/mod_sndfile.so`,
    );
    expect(inImage).toMatch(/libFLAC\.so\.12 => \/\S+libFLAC\.so\.12/);
    expect(inImage).not.toMatch(/not found/);
    const again = await packFreeswitchImage({
      prefix,
      baseImage: base,
      tag,
      missingLibs: 'copy-host',
      versionArgs: ['--version'],
    });
    expect(again.built).toBe(false);
  });

  it.skipIf(!hasGcc)(
    'a module with a library nothing resolves fails the build, naming library and module',
    async () => {
      const src = join(root, 'src');
      mkdirSync(src, { recursive: true });
      writeFileSync(join(src, 'gone.c'), 'int zd_gone(void) { return 1; }\n');
      writeFileSync(join(src, 'mod.c'), 'int zd_gone(void);\nint mod_load(void) { return zd_gone(); }\n');
      execFileSync('gcc', [
        '-shared',
        '-fPIC',
        '-o',
        join(src, 'libzdgone.so.1'),
        '-Wl,-soname,libzdgone.so.1',
        join(src, 'gone.c'),
      ]);
      execFileSync('gcc', [
        '-shared',
        '-fPIC',
        '-o',
        join(prefix, 'mod', 'mod_broken.so'),
        join(src, 'mod.c'),
        join(src, 'libzdgone.so.1'),
      ]);
      rmSync(join(src, 'libzdgone.so.1'));
      const err = await packFreeswitchImage({ prefix, baseImage: base, missingLibs: 'copy-host' }).catch(
        (e) => e,
      );
      rmSync(join(prefix, 'mod', 'mod_broken.so'));
      expect(isLabError(err)).toBe(true);
      expect(String(err.message)).toMatch(
        /unresolved libraries[\s\S]*libzdgone\.so\.1 \(needed by mod\/mod_broken\.so\)/,
      );
    },
  );
});
