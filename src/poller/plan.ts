import { matchCharts } from '../netdata/discovery';
import type { NodeTarget } from '../netdata/types';
import { type AlertIdentity, type Rule, alertIdentity } from '../rules/types';

/** One alert that a fetched chart feeds. */
export interface RuleBinding {
  rule: Rule;
  identity: AlertIdentity;
}

/**
 * One `/api/v1/data` request of a cycle and every alert that reads it. Rules on the same chart
 * share one request; they only need separate ones when they ask for different windows or for
 * absolute and signed values, since Netdata averages on its side.
 */
export interface ChartFetch {
  node: NodeTarget;
  chart: string;
  windowSeconds: number;
  absolute: boolean;
  bindings: RuleBinding[];
}

/** A rule that matched no chart on a node: it does not apply there. */
export interface UnmatchedRule {
  node: string;
  rule: string;
  charts: string[];
}

export interface CyclePlan {
  fetches: ChartFetch[];
  unmatched: UnmatchedRule[];
}

/**
 * Chart matches per chart list: the catalog hands out the same list object until it refreshes
 * it, so a parent with many nodes matches each rule against each list once, not every cycle.
 */
const matchesByList = new WeakMap<string[], Map<string, string[]>>();

function cachedMatches(patterns: string[], available: string[]): string[] {
  let byPatterns = matchesByList.get(available);
  if (byPatterns === undefined) {
    byPatterns = new Map();
    matchesByList.set(available, byPatterns);
  }

  const key = patterns.join('\u0000');
  let matches = byPatterns.get(key);
  if (matches === undefined) {
    matches = matchCharts(patterns, available);
    byPatterns.set(key, matches);
  }
  return matches;
}

/**
 * Works out the requests of one cycle. `chartsByNode` holds each node's chart ids as last
 * discovered; a node whose list is unknown gets the first plain name of each rule, so that a
 * restart while the agent is down still notices when it answers again.
 */
export function planCycle(
  nodes: NodeTarget[],
  rules: Rule[],
  chartsByNode: ReadonlyMap<string, string[] | undefined>,
): CyclePlan {
  const fetches = new Map<string, ChartFetch>();
  const unmatched: UnmatchedRule[] = [];

  for (const node of nodes) {
    const available = chartsByNode.get(node.name);
    for (const rule of rules) {
      if (!rule.enabled) {
        continue;
      }

      const charts = available
        ? cachedMatches(rule.charts, available)
        : firstPlainName(rule.charts);
      if (charts.length === 0) {
        unmatched.push({ node: node.name, rule: rule.id, charts: rule.charts });
        continue;
      }

      for (const chart of charts) {
        const requestKey = `${node.name}\u0000${chart}\u0000${rule.windowSeconds}\u0000${rule.absolute}`;
        let fetch = fetches.get(requestKey);
        if (!fetch) {
          fetch = {
            node,
            chart,
            windowSeconds: rule.windowSeconds,
            absolute: rule.absolute,
            bindings: [],
          };
          fetches.set(requestKey, fetch);
        }
        fetch.bindings.push({ rule, identity: alertIdentity(node.name, rule.id, chart) });
      }
    }
  }

  return { fetches: [...fetches.values()], unmatched };
}

function firstPlainName(patterns: string[]): string[] {
  const plain = patterns.find((pattern) => !/[*?]/.test(pattern));
  return plain ? [plain] : [];
}
