// What labs exist right now, read from the labels on containers and networks (any process may have started them).
import type { ContainerRuntime, LabelledContainer, LabelledNetwork } from './container-runtime.js';
import { labLabel } from './lab-teardown.js';

/** One lab as found by label. */
export interface LabSummary {
  id: string;
  topology?: string;
  network?: string;
  subnet?: string;
  hosts: { name: string; role?: string; ip?: string; status: string }[];
}

/** Groups labelled containers and networks by lab id (pure). */
export function summarizeLabs(containers: LabelledContainer[], networks: LabelledNetwork[]): LabSummary[] {
  const labs = new Map<string, LabSummary>();
  const lab = (id: string) => {
    let l = labs.get(id);
    if (!l) {
      l = { id, hosts: [] };
      labs.set(id, l);
    }
    return l;
  };
  for (const n of networks) {
    const l = lab(n.labels[labLabel] ?? '?');
    l.network = n.name;
    l.subnet = n.subnet;
    l.topology ??= n.labels['zerodrop.topology'];
  }
  for (const c of containers) {
    const l = lab(c.labels[labLabel] ?? '?');
    l.topology ??= c.labels['zerodrop.topology'];
    l.hosts.push({
      name: c.labels['zerodrop.host'] ?? c.name,
      role: c.labels['zerodrop.role'],
      ip: c.ip,
      status: c.status,
    });
  }
  for (const l of labs.values())
    l.hosts.sort((a, b) => (a.ip ?? '').localeCompare(b.ip ?? '', 'en', { numeric: true }));
  return [...labs.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Every lab on this Docker daemon. */
export async function listLabs(runtime: ContainerRuntime): Promise<LabSummary[]> {
  const [containers, networks] = await Promise.all([
    runtime.listContainers(labLabel),
    runtime.listNetworks(labLabel),
  ]);
  return summarizeLabs(containers, networks);
}

/** A readable table of labs. */
export function formatLabs(labs: LabSummary[]): string {
  if (!labs.length) return 'no zerodrop labs';
  return labs
    .map((l) =>
      [
        `lab ${l.id}  ${l.topology ?? '?'}  ${l.network ?? '(no network)'} ${l.subnet ?? ''}`.trimEnd(),
        ...l.hosts.map(
          (h) =>
            `  ${h.name.padEnd(10)} ${(h.role ?? '').padEnd(10)} ${(h.ip ?? '-').padEnd(15)} ${h.status}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}
