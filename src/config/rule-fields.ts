import { DURATION_EXAMPLES, parseDurationSeconds } from './duration';
import { showValue } from './errors';

/**
 * Readers for the fields of one rule. Each returns a usable value even when the field is wrong
 * (the fallback), and records the problem, so that one pass finds every mistake in a file.
 */
export interface FieldContext {
  /** Dotted path of the object being read, e.g. `rules.cpu`. */
  path: string;
  raw: Record<string, unknown>;
  problems: string[];
}

function report(context: FieldContext, key: string, message: string): void {
  context.problems.push(`${context.path}.${key}: ${message}`);
}

export function readString(context: FieldContext, key: string, fallback: string): string {
  const value = context.raw[key] ?? fallback;
  if (typeof value === 'string') {
    return value;
  }

  report(context, key, `${showValue(value)} is not text; expected a string (quote it in YAML)`);
  return fallback;
}

export function readBoolean(context: FieldContext, key: string, fallback: boolean): boolean {
  const value = context.raw[key] ?? fallback;
  if (typeof value === 'boolean') {
    return value;
  }

  report(context, key, `${showValue(value)} is not a boolean; expected true or false`);
  return fallback;
}

/** A list of non-empty strings without spaces (chart and dimension names). */
export function readNameList(context: FieldContext, key: string, fallback: string[]): string[] {
  const value = context.raw[key] ?? fallback;
  const isNameList =
    Array.isArray(value) && value.every((item) => typeof item === 'string' && /^\S+$/.test(item));
  if (isNameList) {
    return value as string[];
  }

  report(context, key, `${showValue(value)} is not a list of names; expected e.g. [user, system]`);
  return fallback;
}

/** Seconds; `minimum` is in seconds too. */
export function readDuration(
  context: FieldContext,
  key: string,
  fallback: number,
  minimum = 0,
): number {
  const value = context.raw[key];
  if (value === undefined || value === null) {
    return fallback;
  }

  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    report(context, key, `${showValue(value)} is not a duration; expected ${DURATION_EXAMPLES}`);
    return fallback;
  }

  if (seconds < minimum) {
    report(context, key, `${showValue(value)} is too short; expected at least ${minimum}s`);
    return fallback;
  }

  return seconds;
}

/** Reports every key of `context.raw` that is not in `known`. */
export function reportUnknownKeys(context: FieldContext, known: readonly string[]): void {
  for (const key of Object.keys(context.raw)) {
    if (!known.includes(key)) {
      report(context, key, `unknown key; expected one of ${known.join(', ')}`);
    }
  }
}
