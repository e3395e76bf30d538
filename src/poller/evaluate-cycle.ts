import type { EvaluatedAlert, StoredAlert } from '../alerts/types';
import { NetdataError } from '../netdata/errors';
import { reduceSample } from '../netdata/reduce';
import type { ChartSample } from '../netdata/types';
import { type Thresholds, evaluate } from '../rules/evaluate';
import { type AlertState, alertIdentity, initialState } from '../rules/types';
import type { ChartFetch, RuleBinding } from './plan';

/** The rule id of the alert a node raises when its agent stops answering. */
export const UNREACHABLE_RULE = 'netdata_unreachable';
export const UNREACHABLE_INSTANCE = 'agent';
export const UNREACHABLE_TITLE = 'Netdata agent not answering';

/** What one request of the cycle gave: a sample, or the error the client classified. */
export type FetchOutcome = ChartSample | NetdataError;

/** An alert whose sample lacked dimensions the rule names (or held gaps in them). */
export interface MissingDimensions {
  key: string;
  chart: string;
  dimensions: string[];
}

export interface CycleEvaluation {
  evaluated: EvaluatedAlert[];
  missingDimensions: MissingDimensions[];
  /** Alerts whose chart the node does not have (HTTP 404): the rule does not apply there. */
  absent: RuleBinding[];
  /** Nodes for which every request failed for a reason other than a missing chart. */
  failedNodes: string[];
}

export interface UnreachableSettings {
  /** Consecutive failed cycles before the alert is raised. */
  after: number;
  pollEverySeconds: number;
}

/**
 * Turns one cycle's outcomes into the next state of every alert. Pure: the previous states come
 * in as a map and the new ones go out as a list for the store to write in one transaction.
 */
export function evaluateCycle(
  fetches: readonly ChartFetch[],
  outcomes: readonly FetchOutcome[],
  previous: ReadonlyMap<string, StoredAlert>,
  unreachable: UnreachableSettings,
  now: number,
): CycleEvaluation {
  const evaluated: EvaluatedAlert[] = [];
  const missingDimensions: MissingDimensions[] = [];
  const absent: RuleBinding[] = [];
  const nodeAnswered = new Map<string, boolean>();

  fetches.forEach((fetch, index) => {
    const outcome = outcomes[index];
    const failed = outcome === undefined || outcome instanceof NetdataError;
    const missingChart = outcome instanceof NetdataError && outcome.kind === 'chart_not_found';
    const answered = !failed || missingChart;
    nodeAnswered.set(fetch.node.name, (nodeAnswered.get(fetch.node.name) ?? false) || answered);

    if (missingChart) {
      absent.push(...fetch.bindings);
      return;
    }

    const sample = failed ? undefined : outcome;
    for (const binding of fetch.bindings) {
      const reduced = sample
        ? reduceSample(sample, binding.rule.dimensions, binding.rule.percentOf)
        : { value: undefined, missing: [] };
      if (reduced.missing.length > 0) {
        const { key } = binding.identity;
        missingDimensions.push({ key, chart: fetch.chart, dimensions: reduced.missing });
      }

      const stored = previous.get(binding.identity.key);
      const result = evaluateBinding(binding, reduced.value, stored, now);
      if (result) {
        evaluated.push(result);
      }
    }
  });

  const failedNodes = [...nodeAnswered].filter(([, answered]) => !answered).map(([node]) => node);
  const nodes = [...nodeAnswered.keys(), ...orphanedUnreachable(previous, nodeAnswered)];
  evaluated.push(...evaluateUnreachable(nodes, new Set(failedNodes), previous, unreachable, now));
  return { evaluated, missingDimensions, absent, failedNodes };
}

/**
 * Nodes with a raised unreachable alert that were not polled this cycle: named after the URL
 * before the agent first answered, or dropped from `netdata.nodes`. Once any node answers they
 * count as answering, so their alert clears instead of staying raised forever.
 */
function orphanedUnreachable(
  previous: ReadonlyMap<string, StoredAlert>,
  nodeAnswered: ReadonlyMap<string, boolean>,
): string[] {
  if (![...nodeAnswered.values()].some(Boolean)) {
    return [];
  }
  return [...previous.values()]
    .filter((alert) => alert.identity.rule === UNREACHABLE_RULE && alert.state.severity !== 'clear')
    .map((alert) => alert.identity.node)
    .filter((node) => !nodeAnswered.has(node));
}

function evaluateBinding(
  binding: RuleBinding,
  value: number | undefined,
  stored: StoredAlert | undefined,
  now: number,
): EvaluatedAlert | undefined {
  const { rule, identity } = binding;

  // An alert that never had a sample is not worth a row until it has one.
  if (value === undefined && !stored) {
    return undefined;
  }

  const state = stored?.state ?? initialState(now);
  const result = evaluate(rule, { value, at: now }, state);
  return {
    identity,
    state: result.state,
    value,
    transition: result.transition,
    ruleTitle: rule.title,
    units: rule.units,
  };
}

/**
 * The unreachable alert goes through the same engine as every rule: the value is 1 in a cycle
 * where the node did not answer and 0 when it did, and `for` spans the allowed failed cycles.
 */
export function unreachableThresholds(settings: UnreachableSettings): Thresholds {
  return {
    warning: undefined,
    critical: { direction: 'high', trigger: 0.5, clear: 0.5 },
    forSeconds: Math.max(0, settings.after - 1) * settings.pollEverySeconds,
    clearForSeconds: 0,
  };
}

/** Evaluates the unreachable alert of every node that was polled, and of every one still raised. */
export function evaluateUnreachable(
  nodes: readonly string[],
  failedNodes: ReadonlySet<string>,
  previous: ReadonlyMap<string, StoredAlert>,
  settings: UnreachableSettings,
  now: number,
): EvaluatedAlert[] {
  const thresholds = unreachableThresholds(settings);
  const results: EvaluatedAlert[] = [];

  for (const node of nodes) {
    const identity = alertIdentity(node, UNREACHABLE_RULE, UNREACHABLE_INSTANCE);
    const stored = previous.get(identity.key);
    const failed = failedNodes.has(node);
    if (!failed && !stored) {
      continue;
    }

    const state: AlertState = stored?.state ?? initialState(now);
    const result = evaluate(thresholds, { value: failed ? 1 : 0, at: now }, state);
    results.push({
      identity,
      state: result.state,
      value: failed ? 1 : 0,
      transition: result.transition,
      ruleTitle: UNREACHABLE_TITLE,
      units: '',
    });
  }

  return results;
}
