/**
 * Merges a user's config over the defaults so that a user's file holds only what it changes:
 * maps merge key by key at every depth (`rules.cpu.warning.above: 70` changes one field of
 * the default cpu rule); lists and single values replace. `null` replaces too, which is how a
 * user removes a default level (`warning: null`).
 */

type PlainObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is PlainObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A new object: `override` merged over `base`; neither input is changed. */
export function mergeConfig(
  base: unknown,
  override: unknown,
  path: readonly string[] = [],
): unknown {
  if (!isPlainObject(base) || !isPlainObject(override) || switchesSide(path, base, override)) {
    return structuredClone(override);
  }

  const merged: PlainObject = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    merged[key] =
      key in base ? mergeConfig(base[key], value, [...path, key]) : structuredClone(value);
  }

  return merged;
}

const HIGH_SIDE = ['above', 'clear_below'];
const LOW_SIDE = ['below', 'clear_above'];

/**
 * A level that moves from the high side to the low side (or back) replaces the default level
 * whole: merging `{ below, clear_above }` into `{ above, clear_below }` would leave a level
 * with both sides, which no one means.
 */
function switchesSide(path: readonly string[], base: PlainObject, override: PlainObject): boolean {
  const isLevel =
    path.length === 3 && path[0] === 'rules' && ['warning', 'critical'].includes(path[2] ?? '');
  if (!isLevel) {
    return false;
  }

  const has = (object: PlainObject, keys: string[]) => keys.some((key) => key in object);
  return (
    (has(base, HIGH_SIDE) && has(override, LOW_SIDE)) ||
    (has(base, LOW_SIDE) && has(override, HIGH_SIDE))
  );
}
