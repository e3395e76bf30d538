import type { HttpResponse, HttpRoutes } from './types';

/** The outcome of one readiness check; `detail` is shown to operators, so it says what to fix. */
export interface CheckResult {
  ok: boolean;
  detail: string;
}

/**
 * What the daemon knows about its dependencies, read on every `/readyz` request. Each method
 * must be cheap and must not do I/O: it reports what the last cycle or probe found.
 */
export interface ReadinessSource {
  /** Whether the last poll cycle reached Netdata. */
  netdata(): CheckResult;
  /** Whether Slack's `auth.test` succeeded; undefined in console mode (no Slack configured). */
  slack(): CheckResult | undefined;
  /** Whether `store.checkWritable()` passed. */
  store(): CheckResult;
}

/** A check that does not apply in this mode; it never makes the daemon unready. */
export interface SkippedCheck {
  ok: true;
  skipped: true;
  detail: string;
}

/** The body of `/readyz`. */
export interface ReadinessReport {
  ready: boolean;
  checks: { netdata: CheckResult; slack: CheckResult | SkippedCheck; store: CheckResult };
}

const CONSOLE_MODE: SkippedCheck = {
  ok: true,
  skipped: true,
  detail: 'console mode: no Slack bot token configured (slack.bot_token, SLACK_BOT_TOKEN)',
};

/**
 * Runs every check of `source`. A check that throws counts as failed with the error as its
 * detail, so a bug in one probe shows up as "not ready" instead of a 500.
 */
export function evaluateReadiness(source: ReadinessSource): ReadinessReport {
  const netdata = runCheck(() => source.netdata());
  const slack = runCheck(() => source.slack()) ?? CONSOLE_MODE;
  const store = runCheck(() => source.store());

  const ready = netdata.ok && slack.ok && store.ok;
  return { ready, checks: { netdata, slack, store } };
}

/**
 * Adds `GET /healthz` (the process is alive and serving: always 200) and `GET /readyz`
 * (200 when Netdata, Slack and the store are usable, 503 otherwise, with each check's detail).
 */
export function registerHealthRoutes(routes: HttpRoutes, readiness: ReadinessSource): void {
  routes.route('GET', '/healthz', () => Promise.resolve(json(200, { status: 'ok' })));

  routes.route('GET', '/readyz', () => {
    const report = evaluateReadiness(readiness);
    return Promise.resolve(json(report.ready ? 200 : 503, report));
  });
}

function runCheck<T extends CheckResult | undefined>(check: () => T): T | CheckResult {
  try {
    return check();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, detail: `check failed: ${reason}` };
  }
}

function json(status: number, body: unknown): HttpResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}
