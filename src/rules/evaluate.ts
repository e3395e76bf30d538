import {
  type AlertState,
  type Evaluation,
  type Level,
  type Rule,
  type Sample,
  type Severity,
  severityRank,
} from './types';

type LevelName = 'warning' | 'critical';

/** Worst first, so the first level that qualifies is the one to enter. */
const LEVELS_WORST_FIRST: readonly LevelName[] = ['critical', 'warning'];

/** The part of a rule the engine reads; a synthetic rule (Netdata unreachable) fills it too. */
export type Thresholds = Pick<Rule, 'warning' | 'critical' | 'forSeconds' | 'clearForSeconds'>;

/**
 * Decides an alert's next state from one sample. Pure: no clock, no I/O, so its behaviour is
 * pinned down by tables of samples.
 *
 * - A level is entered once the value has been beyond its trigger for `forSeconds`; the worst
 *   level that qualifies wins, so a fast rise can go straight from clear to critical.
 * - A level is left once the value has been on the clear side of its clear level for
 *   `clearForSeconds`; the alert then drops to the worst lower level the value is still inside
 *   (with that level's own hysteresis), or to clear.
 * - A missing sample (gap, NaN, infinity) changes nothing, so it never clears an alert.
 */
export function evaluate(thresholds: Thresholds, sample: Sample, previous: AlertState): Evaluation {
  const value = sample.value;
  if (value === undefined || !Number.isFinite(value)) {
    return { state: previous, transition: undefined };
  }

  const now = sample.at;
  const current = previous.severity;
  const heldSince = {
    warning: nextHeldSince(thresholds.warning, 'warning', value, current, previous, now),
    critical: nextHeldSince(thresholds.critical, 'critical', value, current, previous, now),
  };
  const observed: AlertState = { ...previous, heldSince, lastValue: value, lastSampleAt: now };

  const escalation = findEscalation(thresholds, heldSince, current, now);
  if (escalation) {
    const trigger = thresholds[escalation]?.trigger;
    return enter(observed, escalation, value, trigger, now);
  }

  if (current === 'clear' || heldSince[current] !== undefined) {
    return { state: { ...observed, leavingSince: undefined }, transition: undefined };
  }

  const leavingSince = previous.leavingSince ?? now;
  if (now - leavingSince < thresholds.clearForSeconds * 1000) {
    return { state: { ...observed, leavingSince }, transition: undefined };
  }

  const lower = LEVELS_WORST_FIRST.find(
    (level) => severityRank(level) < severityRank(current) && heldSince[level] !== undefined,
  );
  return enter(observed, lower ?? 'clear', value, thresholds[current]?.clear, now);
}

/** Whether `value` is beyond the level's trigger: above it, or below it for a low-side check. */
function isBeyondTrigger(level: Level, value: number): boolean {
  return level.direction === 'high' ? value > level.trigger : value < level.trigger;
}

/** Whether `value` has reached the clear side: below `clear`, or above it for a low-side check. */
function isOnClearSide(level: Level, value: number): boolean {
  return level.direction === 'high' ? value < level.clear : value > level.clear;
}

/**
 * Since when the value has been inside `name`. Once an alert is at or above a level, it stays
 * inside until the value reaches the clear side (hysteresis); below it, only the trigger counts.
 */
function nextHeldSince(
  level: Level | undefined,
  name: LevelName,
  value: number,
  current: Severity,
  previous: AlertState,
  now: number,
): number | undefined {
  if (!level) {
    return undefined;
  }

  const reached = severityRank(current) >= severityRank(name);
  const inside = isBeyondTrigger(level, value) || (reached && !isOnClearSide(level, value));
  return inside ? (previous.heldSince[name] ?? now) : undefined;
}

function findEscalation(
  thresholds: Thresholds,
  heldSince: AlertState['heldSince'],
  current: Severity,
  now: number,
): LevelName | undefined {
  const holdMs = thresholds.forSeconds * 1000;
  return LEVELS_WORST_FIRST.find((level) => {
    const since = heldSince[level];
    return (
      severityRank(level) > severityRank(current) && since !== undefined && now - since >= holdMs
    );
  });
}

function enter(
  observed: AlertState,
  to: Severity,
  value: number,
  threshold: number | undefined,
  now: number,
): Evaluation {
  return {
    state: { ...observed, severity: to, since: now, leavingSince: undefined },
    transition: { from: observed.severity, to, value, threshold, at: now },
  };
}
