import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HttpRoutes } from '../http/types';
import type { Severity } from '../rules/types';
import { SEVERITIES } from '../rules/types';

const PREFIX = 'netdata_slack_bridge_';

/** How one request to Netdata ended; mirrors the Netdata client's error kinds. */
export const NETDATA_REQUEST_OUTCOMES = [
  'ok',
  'connection_refused',
  'timeout',
  'chart_not_found',
  'http_error',
  'malformed',
  'network',
] as const;
export type NetdataRequestOutcome = (typeof NETDATA_REQUEST_OUTCOMES)[number];

/** How one delivery attempt to Slack (or the console) ended. */
export const NOTIFICATION_OUTCOMES = ['delivered', 'retry', 'failed'] as const;
export type NotificationOutcome = (typeof NOTIFICATION_OUTCOMES)[number];

/** `ok`: the new config is in use; `refused`: it did not validate and the old one stays. */
export const RELOAD_OUTCOMES = ['ok', 'refused'] as const;
export type ReloadOutcome = (typeof RELOAD_OUTCOMES)[number];

/** How many alerts of one rule are in one state. */
export interface AlertCount {
  rule: string;
  state: Severity;
  count: number;
}

/**
 * The daemon's Prometheus metrics, in a registry of their own (not prom-client's global one),
 * so that two instances, as in tests, never share values. Durations are in seconds.
 */
export class BridgeMetrics {
  /** Serve with `registry.metrics()` and `registry.contentType`. */
  readonly registry = new Registry();

  private readonly cycles = new Counter({
    name: `${PREFIX}cycles_total`,
    help: 'Poll cycles completed',
    registers: [this.registry],
  });

  private readonly cycleDuration = new Histogram({
    name: `${PREFIX}cycle_duration_seconds`,
    help: 'Time one poll cycle took, from the first Netdata request to the last store write',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  private readonly netdataRequests = new Counter({
    name: `${PREFIX}netdata_requests_total`,
    help: 'Requests to the Netdata API, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly netdataRequestDuration = new Histogram({
    name: `${PREFIX}netdata_request_duration_seconds`,
    help: 'Time one request to the Netdata API took, whatever its outcome',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly alerts = new Gauge({
    name: `${PREFIX}alerts`,
    help: 'Alerts per rule and state, as of the last cycle',
    labelNames: ['rule', 'state'] as const,
    registers: [this.registry],
  });

  private readonly notifications = new Counter({
    name: `${PREFIX}notifications_total`,
    help: 'Notification delivery attempts, by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly outboxDepth = new Gauge({
    name: `${PREFIX}outbox_depth`,
    help: 'Notifications queued and not yet delivered',
    registers: [this.registry],
  });

  private readonly outboxOldestAge = new Gauge({
    name: `${PREFIX}outbox_oldest_age_seconds`,
    help: 'Age of the oldest undelivered notification; 0 when the outbox is empty',
    registers: [this.registry],
  });

  private readonly reloads = new Counter({
    name: `${PREFIX}config_reloads_total`,
    help: 'Config reloads (SIGHUP), by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    // prom-client samples event-loop lag every 10 ms by default, which alone costs an idle
    // daemon about 1 % of a core; 100 ms is plenty for a process that polls every few seconds.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });

    // Every outcome exists from the start at 0, so rate() and alerting on them work at once.
    NETDATA_REQUEST_OUTCOMES.forEach((outcome) => this.netdataRequests.inc({ outcome }, 0));
    NOTIFICATION_OUTCOMES.forEach((outcome) => this.notifications.inc({ outcome }, 0));
    RELOAD_OUTCOMES.forEach((outcome) => this.reloads.inc({ outcome }, 0));
  }

  /** One poll cycle finished, having taken `seconds`. */
  observeCycle(seconds: number): void {
    this.cycles.inc();
    this.cycleDuration.observe(seconds);
  }

  /** One request to Netdata ended with `outcome` after `seconds`. */
  countNetdataRequest(outcome: NetdataRequestOutcome, seconds: number): void {
    this.netdataRequests.inc({ outcome });
    this.netdataRequestDuration.observe(seconds);
  }

  /**
   * Replaces the alert gauge with this cycle's snapshot. A rule that is listed gets all three
   * states (missing ones at 0); a rule that is not listed any more disappears.
   */
  setAlertCounts(counts: readonly AlertCount[]): void {
    this.alerts.reset();

    for (const rule of new Set(counts.map((entry) => entry.rule))) {
      SEVERITIES.forEach((state) => this.alerts.set({ rule, state }, 0));
    }
    for (const { rule, state, count } of counts) {
      this.alerts.inc({ rule, state }, count);
    }
  }

  /** One delivery attempt ended with `outcome`. */
  countNotification(outcome: NotificationOutcome): void {
    this.notifications.inc({ outcome });
  }

  /** The outbox as the store reports it; `oldestAgeSeconds` undefined or 0 when it is empty. */
  setOutbox(depth: number, oldestAgeSeconds: number | undefined): void {
    this.outboxDepth.set(depth);
    this.outboxOldestAge.set(oldestAgeSeconds ?? 0);
  }

  /** A config reload (SIGHUP) ended with `outcome`. */
  countReload(outcome: ReloadOutcome): void {
    this.reloads.inc({ outcome });
  }
}

/** Counts alerts by rule and severity, for `setAlertCounts`; takes what `store.listAlerts()` returns. */
export function countAlerts(
  alerts: ReadonlyArray<{ identity: { rule: string }; state: { severity: Severity } }>,
): AlertCount[] {
  const counts = new Map<string, AlertCount>();
  for (const alert of alerts) {
    const { rule } = alert.identity;
    const state = alert.state.severity;
    const id = `${rule}\u0000${state}`;
    const entry = counts.get(id) ?? { rule, state, count: 0 };
    entry.count += 1;
    counts.set(id, entry);
  }
  return [...counts.values()];
}

/** Adds `GET /metrics` in the Prometheus text format. */
export function registerMetricsRoute(routes: HttpRoutes, metrics: BridgeMetrics): void {
  routes.route('GET', '/metrics', async () => ({
    status: 200,
    headers: { 'content-type': metrics.registry.contentType },
    body: await metrics.registry.metrics(),
  }));
}
