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
import { checkSlackSetup } from './slack/startup';
import { createWebClient } from './slack/web-client';

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
 * Socket Mode or HTTP mode.
 */
export async function startNotifications(options: NotificationOptions): Promise<Notifications> {
  const { config, store, logger, clock, metrics, health } = options;
  const dashboardUrl = config.slack.dashboardUrl || config.netdata.url;
  const senderFor = (notifier: Notifier): OutboxSender =>
    new OutboxSender({
      store,
      notifier: new CountingNotifier(notifier, metrics),
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
  const setup = await checkSlackSetup(client, config.slack.channel, logger);
  health.recordSlack({ ok: true, detail: `authenticated to ${setup.teamName}` });

  const notifier = new SlackNotifier({
    client,
    channel: setup.channelId,
    mentionOnCritical: config.slack.mentionOnCritical,
    logger,
  });
  const sender = senderFor(notifier);
  const app = createSlackApp({
    config: config.slack,
    store,
    sender,
    logger,
    routes: options.routes,
    clock,
  });
  await app.start();
  sender.start();

  return {
    sender,
    stop: async () => {
      await app.stop();
      await sender.stop();
    },
  };
}

/** Counts each delivery's outcome for `/metrics` without the notifiers knowing about metrics. */
class CountingNotifier implements Notifier {
  readonly name: string;

  constructor(
    private readonly inner: Notifier,
    private readonly metrics: BridgeMetrics,
  ) {
    this.name = inner.name;
  }

  async deliver(
    request: DeliveryRequest,
    onPosted: (message: MessageRef) => void,
  ): Promise<DeliveryResult> {
    const result = await this.inner.deliver(request, onPosted);
    this.metrics.countNotification(result.ok ? 'delivered' : result.permanent ? 'failed' : 'retry');
    return result;
  }
}
