// A lab host before it starts: image, command, files, fixed IP, readiness and an optional setup step.
import type { HostFile } from './container-runtime.js';
import type { LabHost } from './lab-host.js';
import type { Wait } from './wait.js';

/** What a host does in the lab. */
export type HostRole = 'postgres' | 'proxy' | 'rtpengine' | 'freeswitch';

/** Everything the lab needs to start one host and know it is ready. */
export interface HostSpec {
  /** Short unique name in the lab: pg, proxy, rtpengine, fs1, fs2, … */
  name: string;
  role: HostRole;
  ip: string;
  image: string;
  command: string[];
  files: HostFile[];
  env: Record<string, string>;
  readiness: Wait;
  sysctls?: Record<string, string>;
  caps?: string[];
  /** Runs once after readiness, before the next host starts (e.g. PostgreSQL's init SQL). */
  setup?: (host: LabHost) => Promise<void>;
}
