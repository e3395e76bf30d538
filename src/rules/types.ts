/**
 * The words of DESIGN.md as types: a rule, the state of one alert, and the transition between
 * two states. Everything here is plain data so that the engine stays a pure function.
 */

/** The states an alert can be in, from calm to worst. */
export type Severity = 'clear' | 'warning' | 'critical';

export const SEVERITIES: readonly Severity[] = ['clear', 'warning', 'critical'];

/** Higher is worse: clear 0, warning 1, critical 2. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/**
 * One threshold with its hysteresis band. For a high-side check (`above` / `clear_below`) the
 * level is entered when the value rises above `trigger` and left when it falls below `clear`;
 * a low-side check (`below` / `clear_above`) mirrors that.
 */
export interface Level {
  direction: 'high' | 'low';
  trigger: number;
  clear: number;
}

/** A configured check after validation: durations in seconds, chart patterns as a list. */
export interface Rule {
  id: string;
  title: string;
  /** Chart ids or globs (`net.*`). Plain names are alternatives: the first the node has is used. */
  charts: string[];
  /** Dimensions summed into one value; empty means every dimension. */
  dimensions: string[];
  /** When set, the value is `sum(dimensions) / sum(percentOf) * 100`. */
  percentOf: string[] | undefined;
  /** Netdata averages over this many seconds before the engine sees a sample. */
  windowSeconds: number;
  /** Ask Netdata for absolute values (bandwidth `sent` is negative on the dashboard). */
  absolute: boolean;
  units: string;
  warning: Level | undefined;
  critical: Level | undefined;
  /** How long a breach must hold before its level is entered. */
  forSeconds: number;
  /** How long the value must stay on the clear side before a level is left. */
  clearForSeconds: number;
  enabled: boolean;
}

/** Which alert: `node/rule/instance`, stable across restarts and reloads. */
export interface AlertIdentity {
  key: string;
  node: string;
  rule: string;
  instance: string;
}

export function alertKey(node: string, rule: string, instance: string): string {
  return `${node}/${rule}/${instance}`;
}

export function alertIdentity(node: string, rule: string, instance: string): AlertIdentity {
  return { key: alertKey(node, rule, instance), node, rule, instance };
}

/**
 * What the engine remembers about one alert between cycles. All times are milliseconds since
 * the epoch, taken from the injected clock.
 */
export interface AlertState {
  severity: Severity;
  /** When the current severity was entered. */
  since: number;
  /** Since when the value has continuously been inside each level (hysteresis applied). */
  heldSince: { warning: number | undefined; critical: number | undefined };
  /** Since when the value has been outside the current level; undefined while inside. */
  leavingSince: number | undefined;
  lastValue: number | undefined;
  lastSampleAt: number | undefined;
}

/** One reduced sample: `value` is undefined when Netdata had nothing usable (gap, NaN). */
export interface Sample {
  value: number | undefined;
  at: number;
}

/** A change of severity: the only thing that notifies anyone. */
export interface Transition {
  from: Severity;
  to: Severity;
  value: number;
  /** The threshold that was crossed: the trigger going up, the clear level going down. */
  threshold: number | undefined;
  at: number;
}

export interface Evaluation {
  state: AlertState;
  transition: Transition | undefined;
}

export function initialState(now: number): AlertState {
  return {
    severity: 'clear',
    since: now,
    heldSince: { warning: undefined, critical: undefined },
    leavingSince: undefined,
    lastValue: undefined,
    lastSampleAt: undefined,
  };
}
