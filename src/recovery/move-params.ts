// The parameters of zerodrop.move_units (lab/postgres/zerodrop-schema.sql) for a list of legs. Pure.
import { RecoveryRowError } from '../common/errors.js';
import type { MoveLeg } from './recovery-store.js';

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

/**
 * Encodes legs as joined lists: a text[] parameter of 10k entries costs the server more to parse than
 * the whole move's checks. Per leg either its rewritten XML or (with a version) the number of its recipe,
 * the other ''; each distinct recipe is shipped once. Throws RecoveryRowError naming the leg when a text
 * holds a separator or a recipe is malformed.
 */
export function encodeMoveParams(legs: readonly MoveLeg[]): MoveParams {
  const metas: string[] = [];
  const recipeNumbers: string[] = [];
  const recipeNumber = new Map<string, number>();
  for (const l of legs) {
    for (const id of [l.to, l.unit, l.uuid, l.version ?? '', l.partner ?? ''])
      if (id.includes(LIST_SEPARATOR)) throw new RecoveryRowError(l.uuid, 'an id contains U+001E');
    if (l.uuid === '') throw new RecoveryRowError(l.unit, 'a leg has an empty uuid');
    const recipe = l.recipe !== undefined && l.version !== undefined ? l.recipe.flat() : undefined;
    const texts = recipe ?? [l.metadata];
    for (const t of texts)
      if (t.includes(LIST_SEPARATOR) || t.includes(RECIPE_SEPARATOR))
        throw new RecoveryRowError(l.uuid, 'metadata contains U+001E or U+001F, which XML forbids');
    if (recipe !== undefined && (recipe.length === 0 || recipe.some((t, i) => i % 2 === 0 && t === '')))
      throw new RecoveryRowError(l.uuid, 'recipe is empty or replaces an empty text');
    metas.push(recipe ? '' : l.metadata);
    if (recipe === undefined) {
      recipeNumbers.push('');
      continue;
    }
    const text = recipe.join(RECIPE_SEPARATOR);
    const k = recipeNumber.get(text) ?? recipeNumber.size + 1;
    recipeNumber.set(text, k);
    recipeNumbers.push(String(k));
  }
  const targets = new Set(legs.map((l) => l.to));
  const join = (f: (l: MoveLeg) => string) => legs.map(f).join(LIST_SEPARATOR);
  return {
    to: targets.size === 1 ? [...targets][0]! : join((l) => l.to),
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
