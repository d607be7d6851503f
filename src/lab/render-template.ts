// Role config templates: files under lab/<role>/ with {{NAME}} placeholders, rendered per lab.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScenarioConfigError } from '../common/errors.js';

/** The repository's lab/ directory (role templates, image build inputs). */
export const labDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lab');

/** Fills every {{NAME}}; a placeholder without a value, or a value nobody uses, is an error naming it. */
export function renderTemplate(name: string, text: string, values: Record<string, string | number>): string {
  const used = new Set<string>();
  const out = text.replace(/\{\{([A-Z0-9_]+)\}\}/g, (_, key: string) => {
    const v = values[key];
    if (v === undefined) throw new ScenarioConfigError(name, `template placeholder {{${key}}} has no value`);
    used.add(key);
    return String(v);
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (unused.length)
    throw new ScenarioConfigError(name, `values never used by the template: ${unused.join(', ')}`);
  return out;
}

/** Reads lab/<path> and renders it. */
export function renderLabTemplate(path: string, values: Record<string, string | number> = {}): string {
  return renderTemplate(`lab/${path}`, readFileSync(join(labDir, path), 'utf8'), values);
}
