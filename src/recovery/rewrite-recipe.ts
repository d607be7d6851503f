// Rewrite recipes: a row's verified rewrite expressed as literal replacements the database can apply to the
// stored row itself, so a move need not ship ~10 kB of rewritten XML per leg (zerodrop.move_units).
import type { RecoveryLeg } from './recovery-leg.js';
import type { RewriteOptions } from './rewrite-recovery-row.js';

/** Literal [old, new] replacements, applied in order, each to every occurrence. */
export type Recipe = readonly (readonly [string, string])[];

/** Applies a recipe exactly as PostgreSQL's replace() does: every occurrence, left to right, no overlaps. */
export function applyRecipe(text: string, recipe: Recipe): string {
  let out = text;
  // a function replacer: a replacement string would give '$&' and friends a meaning
  for (const [from, to] of recipe) if (from !== '') out = out.replaceAll(from, () => to);
  return out;
}

/**
 * The recipe that turns `original` into `rewritten` (the output of rewriteRecoveryRow with the same
 * options), or undefined when literal replacements would not give exactly those bytes — e.g. the source
 * address also occurs unbounded (`127.0.0.20`), or one source address must become two target ones.
 * The result is proven by applying it here: a recipe is only ever returned for the byte-exact rewrite.
 */
export function rewriteRecipe(
  original: string,
  rewritten: string,
  leg: RecoveryLeg,
  opts: RewriteOptions,
): Recipe | undefined {
  const { from, to } = opts;
  const recipe: [string, string][] = [[` switchname="${from.switchname}"`, ` switchname="${to.switchname}"`]];
  if (from.sipIp === from.mediaIp) {
    if (to.sipIp !== to.mediaIp) return undefined; // which one a hit becomes depends on its element
    recipe.push([from.sipIp, to.sipIp]);
  } else recipe.push([from.mediaIp, to.mediaIp], [from.sipIp, to.sipIp]);
  if (leg.profile !== to.profile)
    for (const name of ['recovery_profile_name', 'sofia_profile_name']) {
      const m = new RegExp(`<${name}>[^<]*</${name}>`).exec(original);
      if (m) recipe.push([m[0], `<${name}>${to.profile}</${name}>`]);
    }
  const port = opts.mediaPort ?? leg.localMediaPort;
  if (port !== leg.localMediaPort) {
    const old = leg.localMediaPort;
    recipe.push(
      [`<local_media_port>${old}</local_media_port>`, `<local_media_port>${port}</local_media_port>`],
      [`m%3Daudio%20${old}%20`, `m%3Daudio%20${port}%20`],
      [`a%3Drtcp%3A${old + 1}%`, `a%3Drtcp%3A${port + 1}%`],
    );
  }
  const steps = recipe.filter(([a, b]) => a !== b);
  return applyRecipe(original, steps) === rewritten ? steps : undefined;
}
