import type { AlertStore } from './alerts/types';
import type { CheckResult, ReadinessSource } from './http/health';
import { registerHealthRoutes } from './http/health';
import type { HttpRoutes } from './http/types';
import type { CycleReport } from './poller/cycle';

/**
 * What `/readyz` reports, kept up to date by the parts that learn it: the poll cycle (did it
 * reach Netdata), the Slack start-up check, and the store (probed on each request).
 */
export class DaemonHealth implements ReadinessSource {
  private netdataCheck: CheckResult = { ok: false, detail: 'no poll cycle has run yet' };
  private slackCheck: CheckResult | undefined;

  constructor(private readonly alertStore: AlertStore) {}

  register(routes: HttpRoutes): void {
    registerHealthRoutes(routes, this);
  }

  recordCycle(report: CycleReport): void {
    if (report.failedNodes.length === 0) {
      this.netdataCheck = { ok: true, detail: `last cycle reached ${report.nodes} node(s)` };
    } else {
      this.netdataCheck = {
        ok: false,
        detail: `no answer from ${report.failedNodes.join(', ')}; check netdata.url and that the agent runs`,
      };
    }
  }

  recordSlack(check: CheckResult | undefined): void {
    this.slackCheck = check;
  }

  netdata(): CheckResult {
    return this.netdataCheck;
  }

  slack(): CheckResult | undefined {
    return this.slackCheck;
  }

  store(): CheckResult {
    try {
      this.alertStore.checkWritable();
      return { ok: true, detail: 'writable' };
    } catch (error) {
      return { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }
}
