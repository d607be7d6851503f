// Which SIP proxy fronts the farm: Kamailio from the lab image (CI's), or OpenSIPS (the seed's) from the user's image.
import { ScenarioConfigError } from '../common/errors.js';

/** The proxies a farm can run. */
export const ProxyKind = { kamailio: 'kamailio', opensips: 'opensips' } as const;
export type ProxyKind = (typeof ProxyKind)[keyof typeof ProxyKind];

/** The proxy of a lab: Kamailio runs from the lab image, OpenSIPS from an image that holds it. */
export type ProxyChoice = { kind: 'kamailio' } | { kind: 'opensips'; image: string };

/** What the user asked for. */
export interface ProxyRequest {
  /** `--proxy`; undefined: OpenSIPS when an image is given, else `fallback`, else Kamailio. */
  requested?: string;
  /** The scenario's topology.proxy (its schema default is kamailio, so an image alone must override it). */
  fallback?: string;
  /** `--opensips-image`. */
  opensipsImage?: string;
  /** Where the request came from, for errors (default `--proxy`). */
  where?: string;
}

const packHint = 'build one with: zerodrop image opensips --from-prefix DIR';

/** The proxy to run; a ScenarioConfigError names what is wrong (unknown proxy, OpenSIPS without an image, …). */
export function selectProxy(r: ProxyRequest): ProxyChoice {
  const where = r.where ?? '--proxy';
  const image = r.opensipsImage?.trim();
  if (r.opensipsImage !== undefined && !image)
    throw new ScenarioConfigError('--opensips-image', `empty image name; ${packHint}`);
  const kind = r.requested ?? (image ? ProxyKind.opensips : (r.fallback ?? ProxyKind.kamailio));
  if (kind === ProxyKind.kamailio) {
    if (image)
      throw new ScenarioConfigError(
        '--opensips-image',
        `given (${image}) but the proxy is kamailio; add --proxy opensips or drop the image`,
      );
    return { kind };
  }
  if (kind === ProxyKind.opensips) {
    if (!image)
      throw new ScenarioConfigError(
        where,
        `opensips needs --opensips-image IMG (an image with OpenSIPS 3.4+ and its modules; ${packHint})`,
      );
    return { kind, image };
  }
  throw new ScenarioConfigError(
    where,
    `unknown proxy ${JSON.stringify(kind)} (${Object.values(ProxyKind).join(' | ')})`,
  );
}

/** How reports name the proxy under test, e.g. `opensips (image zerodrop/opensips:0123abcd4567)`. */
export function proxyLabel(c: ProxyChoice, version?: string): string {
  const v = version ? ` ${version}` : '';
  return c.kind === 'kamailio' ? `kamailio${v} (lab image)` : `opensips${v} (image ${c.image})`;
}
