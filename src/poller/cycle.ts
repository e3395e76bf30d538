import type { AlertStore, Episode, EvaluatedAlert, StoredAlert } from '../alerts/types';
import type { AlertIdentity, Severity } from '../rules/types';
import type { BridgeConfig } from '../config/types';
import type { Logger } from '../logging/logger';
import { NetdataError, type NetdataErrorKind } from '../netdata/errors';
import type { ChartRequest, ChartSample, NodeTarget } from '../netdata/types';
import { type CycleEvaluation, type FetchOutcome, evaluateCycle } from './evaluate-cycle';
import { type ChartFetch, type UnmatchedRule, planCycle } from './plan';
import { mapWithConcurrency } from './concurrency';

/** What a cycle needs from Netdata; the composition root adapts the client and its caches. */
export interface NetdataSource {
  /** The nodes to poll: configured, discovered, or the last ones known when discovery fails. */
  resolveNodes(now: number): Promise<NodeTarget[]>;
  /** Chart ids of a node, refreshed now and then; undefined when never discovered. */
  availableCharts(node: NodeTarget, now: number): Promise<string[] | undefined>;
  fetchChart(request: ChartRequest): Promise<ChartSample>;
}

/** The settings a cycle reads; a reload swaps them between cycles. */
export type CycleConfig = Pick<BridgeConfig, 'netdata' | 'poll' | 'rules'>;

/** Counters the cycle reports to; the metrics module implements it. */
export interface CycleObserver {
  netdataRequest(outcome: 'ok' | NetdataErrorKind, seconds: number): void;
}

export interface CycleDeps {
  netdata: NetdataSource;
  store: AlertStore;
  logger: Logger;
  observer?: CycleObserver;
  /** Reads the time; `performance.now` style elapsed time is only used for metrics. */
  clock: () => number;
}

export interface AlertSeverity {
  identity: AlertIdentity;
  state: { severity: Severity };
}

export interface CycleReport {
  startedAt: number;
  nodes: number;
  requests: number;
  failedRequests: number;
  failedNodes: string[];
  transitions: number;
  episodes: Episode[];
  /** Every alert the store holds after this cycle, with its severity (for the alerts gauge). */
  alerts: AlertSeverity[];
}

/** Requests to Netdata in flight at once; enough for a parent with many nodes, kind to the agent. */
const FETCH_CONCURRENCY = 8;

/**
 * One poll: discover, fetch each (node, chart) once, evaluate every alert, and write the
 * outcome in one transaction. Never throws for Netdata's failures: they become missing samples
 * and, when a node stops answering, its own alert.
 */
export class PollCycle {
  /** Log-once memory: which (node, rule) were already reported as not applying. */
  private readonly reportedAbsent = new Set<string>();
  /** Last failure kind per (node, chart), so a down agent is logged on change, not every cycle. */
  private readonly lastFailure = new Map<string, string>();

  constructor(private readonly deps: CycleDeps) {}

  async run(config: CycleConfig): Promise<CycleReport> {
    const { netdata, store, logger, clock } = this.deps;
    const startedAt = clock();

    const nodes = await netdata.resolveNodes(startedAt);
    // Chart lists come from a cache; when they are due, a parent's nodes are asked in parallel.
    const lists = await mapWithConcurrency(nodes, FETCH_CONCURRENCY, (node) =>
      netdata.availableCharts(node, startedAt),
    );
    const chartsByNode = new Map(nodes.map((node, index) => [node.name, lists[index]]));

    const plan = planCycle(nodes, config.rules, chartsByNode);
    this.reportUnmatched(plan.unmatched);

    const outcomes = await mapWithConcurrency(plan.fetches, FETCH_CONCURRENCY, (fetch) =>
      this.fetch(fetch),
    );

    const now = clock();
    const previous = new Map<string, StoredAlert>(
      store.listAlerts().map((alert) => [alert.identity.key, alert]),
    );
    const unreachable = {
      after: config.netdata.unreachableAfter,
      pollEverySeconds: config.poll.everySeconds,
    };
    const result = evaluateCycle(plan.fetches, outcomes, previous, unreachable, now);
    this.reportAbsent(result);
    this.reportMissingDimensions(result);

    const episodes = store.applyEvaluations(result.evaluated);
    this.logTransitions(result.evaluated);
    for (const node of result.failedNodes) {
      logger.warn('node did not answer this cycle', { event: 'netdata.node_failed', node });
    }

    return {
      startedAt,
      nodes: nodes.length,
      requests: plan.fetches.length,
      failedRequests: outcomes.filter((outcome) => outcome instanceof NetdataError).length,
      failedNodes: result.failedNodes,
      transitions: result.evaluated.filter((alert) => alert.transition).length,
      episodes,
      alerts: alertsAfter(previous, result.evaluated),
    };
  }

  private async fetch(fetch: ChartFetch): Promise<FetchOutcome> {
    const { netdata, logger, observer, clock } = this.deps;
    const started = clock();
    const failureKey = `${fetch.node.name}/${fetch.chart}`;

    try {
      const sample = await netdata.fetchChart(fetch);
      observer?.netdataRequest('ok', (clock() - started) / 1000);
      if (this.lastFailure.delete(failureKey)) {
        logger.info('chart answers again', {
          event: 'netdata.request_recovered',
          node: fetch.node.name,
          chart: fetch.chart,
        });
      }
      return sample;
    } catch (error) {
      const failure = toNetdataError(error, fetch);
      observer?.netdataRequest(failure.kind, (clock() - started) / 1000);
      if (failure.kind !== 'chart_not_found' && this.lastFailure.get(failureKey) !== failure.kind) {
        this.lastFailure.set(failureKey, failure.kind);
        logger.warn(failure.message, {
          event: 'netdata.request_failed',
          node: fetch.node.name,
          chart: fetch.chart,
          kind: failure.kind,
          status: failure.status,
        });
      }
      return failure;
    }
  }

  private reportUnmatched(unmatched: UnmatchedRule[]): void {
    for (const { node, rule, charts } of unmatched) {
      this.reportOnce(`${node}/${rule}`, {
        node,
        rule,
        charts,
        reason: 'no chart on the node matches the rule',
      });
    }
  }

  private reportAbsent(result: CycleEvaluation): void {
    for (const { identity } of result.absent) {
      this.reportOnce(identity.key, {
        key: identity.key,
        node: identity.node,
        rule: identity.rule,
        chart: identity.instance,
        reason: 'the agent has no such chart (HTTP 404)',
      });
    }
  }

  /**
   * A sample without a dimension the rule names gives no value, so the alert keeps its state;
   * said once per alert, since a typo in `dimensions` would otherwise go unnoticed.
   */
  private reportMissingDimensions(result: CycleEvaluation): void {
    for (const missing of result.missingDimensions) {
      const id = `dimensions:${missing.key}`;
      if (this.reportedAbsent.has(id)) {
        continue;
      }
      this.reportedAbsent.add(id);
      this.deps.logger.warn('the chart has no value for dimensions the rule names', {
        event: 'rule.dimensions_missing',
        key: missing.key,
        chart: missing.chart,
        dimensions: missing.dimensions,
      });
    }
  }

  private reportOnce(id: string, fields: Record<string, unknown>): void {
    if (this.reportedAbsent.has(id)) {
      return;
    }
    this.reportedAbsent.add(id);
    this.deps.logger.info('rule does not apply on this node', {
      event: 'rule.not_applicable',
      ...fields,
    });
  }

  private logTransitions(evaluated: EvaluatedAlert[]): void {
    for (const alert of evaluated) {
      const transition = alert.transition;
      if (!transition) {
        continue;
      }
      const level =
        transition.to === 'clear' ? 'info' : transition.to === 'critical' ? 'error' : 'warn';
      this.deps.logger.log(level, `${alert.ruleTitle}: ${transition.from} -> ${transition.to}`, {
        event: 'alert.transition',
        key: alert.identity.key,
        rule: alert.identity.rule,
        node: alert.identity.node,
        instance: alert.identity.instance,
        from: transition.from,
        to: transition.to,
        value: roundForLog(transition.value),
        threshold: transition.threshold,
        units: alert.units,
      });
    }
  }
}

/** The stored alerts with this cycle's outcome laid over them, without reading the store again. */
function alertsAfter(
  previous: ReadonlyMap<string, StoredAlert>,
  evaluated: readonly EvaluatedAlert[],
): AlertSeverity[] {
  const latest = new Map<string, AlertSeverity>(previous);
  for (const alert of evaluated) {
    latest.set(alert.identity.key, alert);
  }
  return [...latest.values()];
}

function toNetdataError(error: unknown, fetch: ChartFetch): NetdataError {
  if (error instanceof NetdataError) {
    return error;
  }
  return new NetdataError(`unexpected failure fetching ${fetch.chart} on ${fetch.node.name}`, {
    kind: 'network',
    url: fetch.chart,
    cause: error,
  });
}

function roundForLog(value: number): number {
  return Math.round(value * 100) / 100;
}
