// The parameters of zerodrop.move_units (lab/postgres/zerodrop-schema.sql) for a list of legs. Pure.
import { RecoveryRowError } from '../common/errors.js';
import type { MoveLeg } from './recovery-store.js';
import type { Recipe } from './rewrite-recipe.js';

/** Separator of the per-leg lists of zerodrop.move_units: U+001E, a control character XML 1.0 forbids. */
export const LIST_SEPARATOR = '\x1e';
/** Separator of the texts inside one recipe: U+001F, likewise forbidden in XML. */
export const RECIPE_SEPARATOR = '\x1f';

/**
 * p_to .. p_recipes of zerodrop.move_units: one entry per leg (p_to one node when all legs share it), but
 * `recipes` one per distinct recipe, which the legs' `recipe` entries number from 1.
 */
export interface MoveParams {
  to: string;
  unit: string;
  uuid: string;
  version: string;
  partner: string;
  metadata: string;
  recipe: string;
  recipes: string;
}

/** A recipe as move_units takes it: old1 U+001F new1 U+001F old2 ... (a loop: Array.flat is slow in V8). */
function recipeText(recipe: Recipe): string {
  let text = '';
  for (let i = 0; i < recipe.length; i++) {
    const [from, to] = recipe[i]!;
    text += i === 0 ? from + RECIPE_SEPARATOR + to : RECIPE_SEPARATOR + from + RECIPE_SEPARATOR + to;
  }
  return text;
}

/** How many times sep occurs in text. */
function occurrences(text: string, sep: string): number {
  let n = 0;
  for (let i = text.indexOf(sep); i !== -1; i = text.indexOf(sep, i + 1)) n++;
  return n;
}

/**
 * Encodes legs as joined lists: a text[] parameter of 10k entries costs the server more to parse than
 * the whole move's checks. Per leg either its rewritten XML or (with a version) the number of its recipe,
 * the other ''; each distinct recipe is shipped once. Throws RecoveryRowError naming the leg when a text
 * holds a separator, a recipe is malformed or a uuid comes twice.
 */
export function encodeMoveParams(legs: readonly MoveLeg[]): MoveParams {
  const metas: string[] = [];
  const recipeNumbers: string[] = [];
  const recipeNumber = new Map<string, number>();
  const seen = new Set<string>();
  for (const l of legs) {
    if (l.uuid === '') throw new RecoveryRowError(l.unit, 'a leg has an empty uuid');
    // the database would copy such a row twice and delete it once, and refuse the whole move
    if (seen.has(l.uuid)) throw new RecoveryRowError(l.uuid, 'the leg is listed twice');
    seen.add(l.uuid);
    if (l.recipe === undefined || l.version === undefined) {
      if (l.metadata.includes(LIST_SEPARATOR) || l.metadata.includes(RECIPE_SEPARATOR))
        throw new RecoveryRowError(l.uuid, 'metadata contains U+001E or U+001F, which XML forbids');
      metas.push(l.metadata);
      recipeNumbers.push('');
      continue;
    }
    metas.push('');
    const text = recipeText(l.recipe);
    let k = recipeNumber.get(text);
    if (k === undefined) {
      // legs share a handful of recipes: each is checked once
      if (l.recipe.length === 0 || l.recipe.some(([old]) => old === ''))
        throw new RecoveryRowError(l.uuid, 'recipe is empty or replaces an empty text');
      // a separator inside a text would shift every later pair or recipe
      if (occurrences(text, RECIPE_SEPARATOR) !== 2 * l.recipe.length - 1 || text.includes(LIST_SEPARATOR))
        throw new RecoveryRowError(l.uuid, 'metadata contains U+001E or U+001F, which XML forbids');
      k = recipeNumber.size + 1;
      recipeNumber.set(text, k);
    }
    recipeNumbers.push(String(k));
  }
  const targets = new Set(legs.map((l) => l.to));
  // each id list is checked whole: as many separators as gaps between legs, else find the leg to blame
  const join = (f: (l: MoveLeg) => string) => {
    const joined = legs.map(f).join(LIST_SEPARATOR);
    if (legs.length > 0 && occurrences(joined, LIST_SEPARATOR) !== legs.length - 1) {
      const bad = legs.find((l) => f(l).includes(LIST_SEPARATOR))!;
      throw new RecoveryRowError(bad.uuid, 'an id contains U+001E');
    }
    return joined;
  };
  const [only] = targets;
  if (targets.size === 1 && only!.includes(LIST_SEPARATOR))
    throw new RecoveryRowError(legs[0]!.uuid, 'an id contains U+001E');
  return {
    to: targets.size === 1 ? only! : join((l) => l.to),
    unit: join((l) => l.unit),
    uuid: join((l) => l.uuid),
    version: join((l) => l.version ?? ''),
    partner: join((l) => l.partner ?? ''),
    metadata: metas.join(LIST_SEPARATOR),
    recipe: recipeNumbers.join(LIST_SEPARATOR),
    // Map keeps insertion order: the k-th key is recipe k
    recipes: [...recipeNumber.keys()].join(LIST_SEPARATOR),
  };
}
