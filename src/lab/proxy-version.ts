// The proxy's own version, asked inside its host once the lab is up: reports name the proxy under test exactly.
import type { LabHost } from './lab-host.js';
import type { ProxyChoice } from './proxy-choice.js';

/** "3.5.9" from `version: opensips 3.5.9 (x86_64/linux)` (Kamailio prints the same shape). */
export function parseProxyVersion(output: string): string | undefined {
  return /^version:\s+(?:opensips|kamailio)\s+(\S+)/im.exec(output)?.[1];
}

/** The version of the proxy running in `host`, or undefined when it cannot be told. */
export async function readProxyVersion(
  host: Pick<LabHost, 'exec'>,
  choice: ProxyChoice,
): Promise<string | undefined> {
  const command =
    choice.kind === 'opensips' ? ['/etc/zerodrop/opensips-start.sh', 'version'] : ['kamailio', '-v'];
  const r = await host.exec(command).catch(() => undefined);
  return r && r.exitCode === 0 ? parseProxyVersion(`${r.stdout}\n${r.stderr}`) : undefined;
}
