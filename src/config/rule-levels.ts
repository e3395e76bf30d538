import type { Level } from '../rules/types';
import { showValue } from './errors';
import { isPlainObject } from './merge';
import { reportUnknownKeys } from './rule-fields';

/**
 * The `warning` and `critical` levels of a rule: `{ above, clear_below }` for a high-side
 * check, `{ below, clear_above }` for a low-side one, normalised to `{ direction, trigger,
 * clear }`.
 */

const LEVEL_KEYS = ['above', 'clear_below', 'below', 'clear_above'] as const;
const LEVEL_SHAPE = '{ above: 80, clear_below: 75 } or { below: 10, clear_above: 15 }';

interface Side {
  direction: Level['direction'];
  triggerKey: 'above' | 'below';
  clearKey: 'clear_below' | 'clear_above';
  wrongClearKey: 'clear_above' | 'clear_below';
}

const HIGH: Side = {
  direction: 'high',
  triggerKey: 'above',
  clearKey: 'clear_below',
  wrongClearKey: 'clear_above',
};
const LOW: Side = {
  direction: 'low',
  triggerKey: 'below',
  clearKey: 'clear_above',
  wrongClearKey: 'clear_below',
};

/** The level at `path` (e.g. `rules.cpu.warning`), or undefined when absent or wrong. */
export function readLevel(path: string, value: unknown, problems: string[]): Level | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }

  if (!isPlainObject(value)) {
    problems.push(`${path}: ${showValue(value)} is not a level; expected ${LEVEL_SHAPE}`);
    return undefined;
  }

  const before = problems.length;
  reportUnknownKeys({ path, raw: value, problems }, LEVEL_KEYS);
  const side = readSide(path, value, problems);
  const level = side && readBounds(path, value, side, problems);
  return problems.length === before ? level : undefined;
}

function readSide(
  path: string,
  raw: Record<string, unknown>,
  problems: string[],
): Side | undefined {
  if ('above' in raw && 'below' in raw) {
    problems.push(`${path}: has both above and below; a level watches one side: ${LEVEL_SHAPE}`);
    return undefined;
  }

  if (!('above' in raw) && !('below' in raw)) {
    problems.push(`${path}: has neither above nor below; expected ${LEVEL_SHAPE}`);
    return undefined;
  }

  return 'above' in raw ? HIGH : LOW;
}

function readBounds(
  path: string,
  raw: Record<string, unknown>,
  side: Side,
  problems: string[],
): Level | undefined {
  const sideName = side === HIGH ? 'a high-side level (above)' : 'a low-side level (below)';
  if (side.wrongClearKey in raw) {
    problems.push(
      `${path}.${side.wrongClearKey}: does not go with ${side.triggerKey}; ${sideName} is left by ${side.clearKey}`,
    );
    return undefined;
  }

  if (!(side.clearKey in raw)) {
    problems.push(
      `${path}.${side.clearKey}: missing; ${sideName} needs ${side.clearKey}, e.g. ${LEVEL_SHAPE}`,
    );
    return undefined;
  }

  const trigger = readNumber(`${path}.${side.triggerKey}`, raw[side.triggerKey], problems);
  const clear = readNumber(`${path}.${side.clearKey}`, raw[side.clearKey], problems);
  if (trigger === undefined || clear === undefined) {
    return undefined;
  }

  return checkHysteresis(path, { direction: side.direction, trigger, clear }, problems);
}

function readNumber(path: string, value: unknown, problems: string[]): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }

  problems.push(`${path}: ${showValue(value)} is not a number; expected e.g. 80 (no unit)`);
  return undefined;
}

function checkHysteresis(path: string, level: Level, problems: string[]): Level | undefined {
  if (level.direction === 'high' && level.clear > level.trigger) {
    problems.push(
      `${path}.clear_below: ${level.clear} is above the trigger ${level.trigger}; a high-side level clears below its trigger (set clear_below under above)`,
    );
    return undefined;
  }

  if (level.direction === 'low' && level.clear < level.trigger) {
    problems.push(
      `${path}.clear_above: ${level.clear} is below the trigger ${level.trigger}; a low-side level clears above its trigger (set clear_above over below)`,
    );
    return undefined;
  }

  return level;
}

/** Critical must watch the same side as warning and be worse (higher, or lower when low). */
export function checkLevelOrder(
  path: string,
  warning: Level | undefined,
  critical: Level | undefined,
  problems: string[],
): void {
  if (!warning || !critical) {
    return;
  }

  const key = (level: Level) => (level.direction === 'high' ? 'above' : 'below');
  if (warning.direction !== critical.direction) {
    problems.push(
      `${path}.critical: uses ${key(critical)} while warning uses ${key(warning)}; both levels of a rule watch the same side`,
    );
    return;
  }

  const better =
    warning.direction === 'high'
      ? critical.trigger < warning.trigger
      : critical.trigger > warning.trigger;
  if (better) {
    const relation = warning.direction === 'high' ? 'below' : 'above';
    problems.push(
      `${path}.critical.${key(critical)}: ${critical.trigger} is ${relation} warning.${key(warning)} ${warning.trigger}; critical must be worse than warning`,
    );
  }
}
