import type { WebClient } from '@slack/web-api';

import { chartUrlFor } from './chart-url';
import { ConsoleNotifier } from './alerts/console-notifier';
import type { DeliveryRequest, DeliveryResult, Notifier } from './alerts/notifier';
import type { MessageRef } from './alerts/types';
import { OutboxSender } from './alerts/sender';
import type { AlertStore } from './alerts/types';
import type { BridgeConfig } from './config/types';
import type { DaemonHealth } from './health-state';
import type { HttpRoutes } from './http/types';
import type { Logger } from './logging/logger';
import type { BridgeMetrics } from './metrics/metrics';
import { createSlackApp } from './slack/app';
import { SlackNotifier } from './slack/notifier';
import { classifySlackError, SlackSetupError } from './slack/errors';
import { CHANNEL_ID, checkSlackSetup } from './slack/startup';
import { createWebClient } from './slack/web-client';

/** How often Slack is asked again after it did not answer at start. */
const SLACK_RECHECK_MS = 30_000;

export interface NotificationOptions {
  config: BridgeConfig;
  store: AlertStore;
  logger: Logger;
  clock: () => number;
  routes: HttpRoutes;
  metrics: BridgeMetrics;
  health: DaemonHealth;
  /** The agent's own hostname, once known, for dashboard links to children of a parent. */
  localNode: () => string | undefined;
}

/** The delivery side of the daemon: the outbox sender and, with Slack, the interaction app. */
export interface Notifications {
  sender: OutboxSender;
  stop(): Promise<void>;
}

/**
 * Starts console mode when no bot token is set; otherwise checks the token and channel with
 * Slack (a wrong setting stops the daemon here, naming it) and starts the interaction app in
 * Socket Mode or HTTP mode. When Slack did not answer the check, Socket Mode connects in the
 * background and `/readyz` reports Slack not ready until Slack answers.
 */
export async function startNotifications(options: NotificationOptions): Promise<Notifications> {
  const { config, store, logger, clock, metrics, health } = options;
  const dashboardUrl = config.slack.dashboardUrl || config.netdata.url;
  const senderFor = (notifier: Notifier, onDelivered?: () => void): OutboxSender =>
    new OutboxSender({
      store,
      notifier: new CountingNotifier(notifier, metrics, onDelivered),
      logger,
      clock,
      chartUrlFor: (episode) => chartUrlFor(episode, dashboardUrl, options.localNode()),
    });

  if (!config.slack.botToken) {
    logger.info('no Slack bot token: console mode, alerts go to this log', {
      event: 'slack.console_mode',
    });
    health.recordSlack(undefined);
    const sender = senderFor(new ConsoleNotifier(logger));
    sender.start();
    return { sender, stop: () => sender.stop() };
  }

  const client = createWebClient({
    token: config.slack.botToken,
    apiUrl: config.slack.apiUrl,
    timeoutMs: config.slack.timeoutMs,
    logger,
  });
  const channelId = await checkSlack(client, options);
  const readiness = watchSlackReadiness(client, health);

  const notifier = new SlackNotifier({
    client,
    channel: channelId,
    mentionOnCritical: config.slack.mentionOnCritical,
    logger,
  });
  const sender = senderFor(notifier, () =>
    readiness.markReached('delivered to Slack after it did not answer at start'),
  );
  const app = createSlackApp({
    config: config.slack,
    store,
    sender,
    logger,
    routes: options.routes,
    clock,
  });
  if (readiness.reached() || app.mode === 'http') {
    await app.start();
  } else {
    // Bolt's start() resolves only once the socket is connected, which needs Slack to answer:
    // awaiting it here would hold the first poll for as long as Slack is down.
    app.startInBackground(() =>
      readiness.markReached('Socket Mode connected after Slack did not answer'),
    );
  }
  sender.start();

  return {
    sender,
    stop: async () => {
      readiness.stop();
      await app.stop();
      await sender.stop();
    },
  };
}

/**
 * Keeps `/readyz`'s Slack check failing after Slack did not answer at start, until something
 * shows it answers again: a delivery, the socket connecting, or an `auth.test` asked every
 * 30 s (with nothing to deliver, readiness would otherwise wait for the next alert).
 */
function watchSlackReadiness(client: WebClient, health: DaemonHealth) {
  let reached = health.slack()?.ok === true;
  let recheck: NodeJS.Timeout | undefined;

  const markReached = (detail: string): void => {
    if (reached) return;
    reached = true;
    clearInterval(recheck);
    health.recordSlack({ ok: true, detail });
  };

  if (!reached) {
    recheck = setInterval(() => {
      client.auth.test().then(
        () => markReached('Slack answers again after it did not answer at start'),
        () => undefined,
      );
    }, SLACK_RECHECK_MS);
    recheck.unref();
  }

  return { reached: () => reached, markReached, stop: () => clearInterval(recheck) };
}

/**
 * Checks the Slack setup and returns the channel id. A setting Slack refuses stops the daemon.
 * Slack not answering (network, HTTP 5xx, rate limit) does not, when the channel is given as an
 * id: polling starts and deliveries wait in the durable outbox, so an outage at start loses no
 * transition. Limits: a channel given by name cannot be resolved without Slack, so then the
 * daemon still stops; a wrong token or channel id then shows only when the first delivery fails
 * for good (`notification.failed`), not at start; in Socket Mode a refused app token shows as
 * `slack.receive_failed` once Slack answers.
 */
async function checkSlack(client: WebClient, options: NotificationOptions): Promise<string> {
  const { config, logger, health } = options;
  const channel = config.slack.channel;
  try {
    const setup = await checkSlackSetup(client, channel, logger);
    health.recordSlack({ ok: true, detail: `authenticated to ${setup.teamName}` });
    return setup.channelId;
  } catch (error) {
    if (!isSlackUnreachable(error) || !CHANNEL_ID.test(channel)) throw error;

    const reason = classifySlackError(error.cause).error;
    logger.warn('Slack did not answer at start; polling anyway, alerts wait in the outbox', {
      event: 'slack.unreachable_at_start',
      apiUrl: config.slack.apiUrl,
      error: reason,
    });
    health.recordSlack({
      ok: false,
      detail: `Slack did not answer at start (${reason}); check slack.api_url (SLACK_API_URL) and that Slack is reachable; alerts wait in the outbox`,
    });
    return channel;
  }
}

/** A start-up check that failed because Slack did not answer, not because it refused a setting. */
function isSlackUnreachable(error: unknown): error is SlackSetupError & { cause: unknown } {
  return (
    error instanceof SlackSetupError &&
    error.cause !== undefined &&
    classifySlackError(error.cause).kind !== 'permanent'
  );
}

/** Counts each delivery's outcome for `/metrics` without the notifiers knowing about metrics. */
class CountingNotifier implements Notifier {
  readonly name: string;

  constructor(
    private readonly inner: Notifier,
    private readonly metrics: BridgeMetrics,
    /** Called after each delivery Slack accepted, e.g. to mark Slack reachable again. */
    private readonly onDelivered: (() => void) | undefined,
  ) {
    this.name = inner.name;
  }

  async deliver(
    request: DeliveryRequest,
    onPosted: (message: MessageRef) => void,
  ): Promise<DeliveryResult> {
    const result = await this.inner.deliver(request, onPosted);
    this.metrics.countNotification(result.ok ? 'delivered' : result.permanent ? 'failed' : 'retry');
    if (result.ok) this.onDelivered?.();
    return result;
  }
}
