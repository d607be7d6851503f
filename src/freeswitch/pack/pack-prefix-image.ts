// Packs a server installed on this host under one prefix (FreeSWITCH at /usr/local/freeswitch, OpenSIPS at
// /opt/opensips, …) onto the lab base image, for labs without a registry: the prefix at the same path (rpaths
// and compiled-in paths are absolute), the library closure of every ELF file of the prefix checked against the
// base image, `docker build --network none`, then a check inside the image that every binary and module
// resolves all its libraries and the binary runs.
//
// Libraries the base lacks: by default the build fails naming the Debian packages to add to
// lab/images/packages.txt (the lab image stays a pure function of Debian packages). With
// `missingLibs: 'copy-host'` the host's own files are copied instead — only when they belong to a Debian
// package and the host runs the base image's Debian release, so the ABI matches.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import {
  access,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { LabError } from '../../common/errors.js';
import { dpkgPathVariants, ownerOf, parseDpkgSearch } from './debian-packages.js';
import { type LibraryClosure, libraryClosure, parseLdconfigCache } from './library-closure.js';
import { type LddReport, parseLdd } from './parse-ldd.js';

/** Options of a pack (the product's pack function fills the defaults). */
export interface PackOptions {
  /** Absolute install prefix on this host, e.g. /usr/local/freeswitch. */
  prefix: string;
  /** Image to build FROM (the lab image tag). */
  baseImage: string;
  /** Default `zerodrop/<product>:<12 hex of the content hash>`. */
  tag?: string;
  /** What to do with libraries the base lacks (default 'fail'). */
  missingLibs?: 'fail' | 'copy-host';
  /** The binary to smoke-test, relative to the prefix (default: the product's). */
  binary?: string;
  /** Arguments of the smoke test (default: the product's). */
  versionArgs?: string[];
  onProgress?: (line: string) => void;
}

/** What differs between the servers packed this way. */
export interface PackProduct {
  /** Image repository and label name: `zerodrop/<name>:<hash>`, `zerodrop.<name>.prefix`. */
  name: string;
  /** The binary relative to the prefix, e.g. bin/freeswitch. */
  binary: string;
  versionArgs: string[];
  /** Environment baked into the image (e.g. where the modules are), from the prefix and its ELF files. */
  env?: (prefix: string, elfFiles: readonly string[]) => Record<string, string>;
}

/** What was packed. */
export interface PackResult {
  tag: string;
  /** false: an image with this content hash existed, nothing was built. */
  built: boolean;
  /** ELF files whose libraries were checked (binaries, modules, prefix libraries). */
  elfFiles: number;
  closure: LibraryClosure;
  /** Host library files copied into the image (copy-host mode). */
  copiedHostLibs: string[];
  /** Output of `<binary> <versionArgs>` run inside the image. */
  versionOutput: string;
}

const failer =
  (product: string) =>
  (message: string): never => {
    throw new LabError('image', `pack ${product}`, message);
  };

function run(
  cmd: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, out: String(out), err: String(err) || (error && !err ? error.message : '') });
    });
  });
}

/** Runs `entrypoint args` in a throwaway container of image: never pulled, no network. */
function runInImage(image: string, entrypoint: string, args: string[], timeoutMs?: number) {
  return run(
    'docker',
    ['run', '--rm', '--pull', 'never', '--network', 'none', '--entrypoint', entrypoint, image, ...args],
    timeoutMs,
  );
}

/** Every regular ELF file under dir (recursive), absolute paths, sorted. */
async function elfFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const head = await readFile(path)
      .then((b) => b.subarray(0, 4))
      .catch(() => Buffer.alloc(0));
    if (head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) out.push(path);
  }
  return out.sort();
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Content hash of the prefix and the base image: the same install packs to the same tag. */
async function contentHash(prefix: string, baseImage: string, mode: string): Promise<string> {
  const h = createHash('sha256').update(`${baseImage}\n${mode}\n`);
  const entries = await readdir(prefix, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const f of files) h.update(`${f.slice(prefix.length)}\0${await sha256File(f)}\n`);
  return h.digest('hex').slice(0, 12);
}

/** Debian release codename from an os-release text. */
const codename = (osRelease: string) =>
  /^VERSION_CODENAME=(.*)$/m.exec(osRelease)?.[1]?.replace(/"/g, '') ?? '';

/** Packs the prefix; throws LabError naming unresolved libraries or the packages to add. */
export async function packPrefixImage(product: PackProduct, o: PackOptions): Promise<PackResult> {
  const fail = failer(product.name);
  const log = o.onProgress ?? (() => {});
  const prefix = o.prefix.replace(/\/+$/, '');
  if (!isAbsolute(prefix)) fail(`--from-prefix must be an absolute path, got '${o.prefix}'`);
  const binary = join(prefix, o.binary ?? product.binary);
  const versionArgs = o.versionArgs ?? product.versionArgs;
  await access(binary, constants.X_OK).catch(() => fail(`${binary} is missing or not executable`));
  if ((await realpath(prefix)) !== prefix)
    fail(`${prefix} is (under) a symlink; give the real path ${await realpath(prefix)}`);
  const mode = o.missingLibs ?? 'fail';

  // 1. ldd over every ELF of the prefix: binaries, every module, the prefix's own libraries.
  const files = await elfFiles(prefix);
  if (!files.includes(binary)) fail(`${binary} is not an ELF file`);
  const reports = new Map<string, LddReport>();
  for (const f of files) {
    const r = await run('ldd', [f], 30_000);
    reports.set(f, parseLdd(r.out + r.err));
  }
  log(`[pack] ${files.length} ELF files under ${prefix}`);

  // 2. What the base image's loader already knows. A missing base must not turn into a pull attempt.
  if ((await run('docker', ['image', 'inspect', '--format', '{{.Id}}', o.baseImage])).code !== 0) {
    fail(`base image ${o.baseImage} is not present; build the lab image first`);
  }
  const cache = await runInImage(o.baseImage, '/sbin/ldconfig', ['-p']);
  if (cache.code !== 0) fail(`cannot read the loader cache of ${o.baseImage}: ${cache.err.trim()}`);
  const closure = libraryClosure(prefix, reports, parseLdconfigCache(cache.out));
  log(
    `[pack] closure: ${closure.inPrefix.length} in prefix, ${closure.inBase.length} in base, ${closure.missing.length} missing, ${closure.unresolved.length} unresolved`,
  );
  if (closure.unresolved.length > 0) {
    fail(
      `unresolved libraries (no loader on this host finds them):\n${closure.unresolved.map((u) => `  ${u.soname} (needed by ${u.requiredBy.join(', ')})`).join('\n')}`,
    );
  }

  // 3. Libraries the base lacks → their Debian packages.
  const copiedHostLibs: string[] = [];
  if (closure.missing.length > 0) {
    const dpkg = await run('dpkg', ['-S', ...closure.missing.flatMap((l) => dpkgPathVariants(l.hostPath))]);
    const owners = parseDpkgSearch(dpkg.out);
    const rows = closure.missing.map((l) => ({ lib: l, pkg: ownerOf(l.hostPath, owners) }));
    const orphans = rows.filter((r) => !r.pkg);
    if (orphans.length > 0) {
      fail(
        `libraries the base image lacks that no Debian package owns (put them into ${prefix}/lib):\n${orphans.map((r) => `  ${r.lib.hostPath} (needed by ${r.lib.requiredBy.join(', ')})`).join('\n')}`,
      );
    }
    const pkgs = [...new Set(rows.map((r) => r.pkg!))].sort();
    if (mode === 'fail') {
      fail(
        `the base image ${o.baseImage} lacks ${closure.missing.length} libraries; add these Debian packages to lab/images/packages.txt (or pass --copy-host-libs):\n  ${pkgs.join('\n  ')}\n${rows.map((r) => `    ${r.lib.soname} ← ${r.pkg} (needed by ${r.lib.requiredBy.slice(0, 3).join(', ')}${r.lib.requiredBy.length > 3 ? ', …' : ''})`).join('\n')}`,
      );
    }
    const hostRelease = codename(await readFile('/etc/os-release', 'utf8').catch(() => ''));
    const baseOs = await runInImage(o.baseImage, '/bin/cat', ['/etc/os-release']);
    if (!hostRelease || hostRelease !== codename(baseOs.out)) {
      fail(
        `--copy-host-libs needs the host on the base image's Debian release (host '${hostRelease}', base '${codename(baseOs.out)}'); add to packages.txt instead: ${pkgs.join(' ')}`,
      );
    }
    log(`[pack] copying ${closure.missing.length} host libraries from Debian packages ${pkgs.join(', ')}`);
  }

  const env = product.env?.(prefix, files) ?? {};
  const envText = Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
  // the environment enters the hash only when there is one: FreeSWITCH packs keep their earlier tags
  const hashBase = envText ? `${o.baseImage}\n${envText}` : o.baseImage;
  const tag = o.tag ?? `zerodrop/${product.name}:${await contentHash(prefix, hashBase, mode)}`;
  const exists = (await run('docker', ['image', 'inspect', '--format', '{{.Id}}', tag])).code === 0;
  let built = false;
  if (!exists) {
    const ctx = await mkdtemp(join(tmpdir(), `zerodrop-${product.name}-pack-`));
    try {
      // 4. Build context: the prefix at its own path, host libraries at their real paths (merged /usr).
      await cp(prefix, join(ctx, 'root', prefix), { recursive: true, verbatimSymlinks: true });
      for (const lib of closure.missing) {
        const real = await realpath(lib.hostPath);
        await mkdir(join(ctx, 'root', dirname(real)), { recursive: true });
        await cp(real, join(ctx, 'root', real));
        copiedHostLibs.push(real);
        const sonamePath = join(dirname(real), lib.soname);
        if (sonamePath !== real) {
          await symlink(real.split('/').pop()!, join(ctx, 'root', sonamePath)).catch(() => undefined);
          copiedHostLibs.push(sonamePath);
        }
      }
      const dockerfile = [
        `FROM ${o.baseImage}`,
        'COPY root/ /',
        `LABEL zerodrop.${product.name}.prefix="${prefix}" zerodrop.base="${o.baseImage}"`,
        ...Object.entries(env).map(([k, v]) => `ENV ${k}=${JSON.stringify(v)}`),
        ...(copiedHostLibs.length ? ['RUN ["/sbin/ldconfig"]'] : []),
        '',
      ].join('\n');
      await writeFile(join(ctx, 'Dockerfile'), dockerfile);
      const size = (await stat(binary)).size;
      log(`[pack] docker build --network none -t ${tag} (binary ${size} bytes)`);
      const b = await run('docker', ['build', '--network', 'none', '-t', tag, ctx], 600_000);
      if (b.code !== 0)
        fail(`docker build failed:\n${(b.err || b.out).trim().split('\n').slice(-15).join('\n')}`);
      built = true;
    } finally {
      await rm(ctx, { recursive: true, force: true });
    }
  }

  // 5. Inside the image: every ELF resolves every library, and the binary runs.
  const check = files.map((f) => `ldd '${f}' 2>&1 | grep 'not found' | sed 's|^|${f}: |'`).join('; ');
  const inImage = await runInImage(tag, '/bin/sh', ['-c', check]);
  if (inImage.out.trim() !== '') fail(`in ${tag}, libraries do not resolve:\n${inImage.out.trim()}`);
  const v = await runInImage(tag, binary, versionArgs, 60_000);
  if (v.code !== 0)
    fail(`${binary} ${versionArgs.join(' ')} exited ${v.code} in ${tag}: ${(v.err || v.out).trim()}`);
  return {
    tag,
    built,
    elfFiles: files.length,
    closure,
    copiedHostLibs,
    versionOutput: (v.out + v.err).trim(),
  };
}
