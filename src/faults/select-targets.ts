// Which hosts a fault hits: data ('one' | 'primary' | 'all' | ids …), resolved with the run's seed.
import type { SeededRandom } from '../common/seeded-random.js';

/** A target as scenarios write it. */
export type TargetSpec =
  | 'one'
  | 'primary'
  | 'all'
  | 'standby'
  | 'proxy'
  | 'rtpengine'
  | 'postgres'
  | readonly string[];

/** What the runner knows of the lab when choosing victims. */
export interface TargetPool {
  /** FreeSWITCH node names that are up. */
  freeswitch: readonly string[];
  /** The node that is primary (keepalived master, or the farm's first node). */
  primary: string;
  infra: { proxy?: string; rtpengine?: string; postgres?: string };
}

/** Resolves a target spec to host names; throws RangeError naming what is missing. */
export function selectTargets(spec: TargetSpec, pool: TargetPool, random: SeededRandom): string[] {
  if (Array.isArray(spec)) return [...spec];
  switch (spec) {
    case 'one':
      return [random.pick(pool.freeswitch)];
    case 'primary':
      return [pool.primary];
    case 'all':
      return [...pool.freeswitch];
    case 'standby': {
      const others = pool.freeswitch.filter((n) => n !== pool.primary);
      if (others.length === 0) throw new RangeError('no standby node in this lab');
      return [random.pick(others)];
    }
    case 'proxy':
    case 'rtpengine':
    case 'postgres': {
      const host = pool.infra[spec];
      if (!host) throw new RangeError(`this lab has no ${spec}`);
      return [host];
    }
    default:
      throw new RangeError(`unknown target ${String(spec)}`);
  }
}
