import type { Rule } from '../rules/types';
import { showValue } from './errors';
import { isPlainObject } from './merge';
import { checkLevelOrder, readLevel } from './rule-levels';
import {
  readBoolean,
  readDuration,
  readNameList,
  readString,
  reportUnknownKeys,
  type FieldContext,
} from './rule-fields';

/**
 * Checks the `rules` map field by field. Convict cannot describe a map of objects strictly,
 * so this does what its schema does for the other sections, with the same kind of messages.
 */

/** Ids the daemon uses for alerts of its own; a configured rule cannot take them. */
export const RESERVED_RULE_IDS: readonly string[] = ['netdata_unreachable'];

/** Rule ids go into alert keys `node/rule/instance`, so they stay plain. */
const RULE_ID = /^[a-z0-9_]+$/;

const RULE_KEYS = [
  'title',
  'chart',
  'dimensions',
  'percent_of',
  'window',
  'absolute',
  'units',
  'warning',
  'critical',
  'for',
  'clear_for',
  'enabled',
] as const;

/** Used when a rule does not say: Netdata averages this long before the engine sees a sample. */
export const DEFAULT_WINDOW_SECONDS = 60;

export interface RuleValidation {
  /** The valid rules, in the order of the map (defaults first, then the user's additions). */
  rules: Rule[];
  problems: string[];
}

export function validateRules(raw: Record<string, unknown>): RuleValidation {
  const problems: string[] = [];
  const rules: Rule[] = [];

  for (const [id, value] of Object.entries(raw)) {
    const rule = validateRule(id, value, problems);
    if (rule) {
      rules.push(rule);
    }
  }

  return { rules, problems };
}

function validateRule(id: string, value: unknown, problems: string[]): Rule | undefined {
  const path = `rules.${id}`;
  const before = problems.length;
  checkRuleId(path, id, problems);

  if (!isPlainObject(value)) {
    problems.push(
      `${path}: ${showValue(value)} is not a rule; expected fields such as chart, dimensions, warning`,
    );
    return undefined;
  }

  const context: FieldContext = { path, raw: value, problems };
  reportUnknownKeys(context, RULE_KEYS);
  const rule = readRule(id, context);
  return problems.length === before ? rule : undefined;
}

function checkRuleId(path: string, id: string, problems: string[]): void {
  if (!RULE_ID.test(id)) {
    problems.push(
      `${path}: ${showValue(id)} is not a rule id; expected lowercase letters, digits and underscores (it becomes part of alert keys node/rule/instance)`,
    );
  }

  if (RESERVED_RULE_IDS.includes(id)) {
    problems.push(
      `${path}: the id is reserved for the alert a node raises when Netdata stops answering; choose another id`,
    );
  }
}

function readRule(id: string, context: FieldContext): Rule {
  const { path, raw, problems } = context;
  const warning = readLevel(`${path}.warning`, raw.warning, problems);
  const critical = readLevel(`${path}.critical`, raw.critical, problems);
  checkLevelOrder(path, warning, critical, problems);

  const hasLevel = (raw.warning ?? null) !== null || (raw.critical ?? null) !== null;
  if (!hasLevel) {
    problems.push(
      `${path}: has no warning and no critical level; expected at least one, e.g. warning: { above: 80, clear_below: 75 }`,
    );
  }

  return {
    id,
    title: readString(context, 'title', id),
    charts: readCharts(context),
    dimensions: readNameList(context, 'dimensions', []),
    percentOf: readPercentOf(context),
    windowSeconds: readDuration(context, 'window', DEFAULT_WINDOW_SECONDS, 1),
    absolute: readBoolean(context, 'absolute', false),
    units: readString(context, 'units', ''),
    warning,
    critical,
    forSeconds: readDuration(context, 'for', 0),
    clearForSeconds: readDuration(context, 'clear_for', 0),
    enabled: readBoolean(context, 'enabled', true),
  };
}

/** `chart` is one id or glob, or a list of alternatives; the result is always a list. */
function readCharts(context: FieldContext): string[] {
  const value = context.raw.chart;
  const list = typeof value === 'string' ? [value] : value;
  const valid =
    Array.isArray(list) &&
    list.length > 0 &&
    list.every((item) => typeof item === 'string' && /^\S+$/.test(item));
  if (valid) {
    return list as string[];
  }

  const found = value === undefined ? 'missing' : `${showValue(value)} is not a chart`;
  context.problems.push(
    `${context.path}.chart: ${found}; expected a chart id (system.cpu), a glob (net.*) or a list of them`,
  );
  return [];
}

function readPercentOf(context: FieldContext): string[] | undefined {
  if (context.raw.percent_of === undefined || context.raw.percent_of === null) {
    return undefined;
  }

  const dimensions = readNameList(context, 'percent_of', []);
  if (dimensions.length === 0 && Array.isArray(context.raw.percent_of)) {
    context.problems.push(
      `${context.path}.percent_of: [] names no dimension; expected e.g. [used, free], or leave it out`,
    );
  }

  return dimensions;
}
