import { App, LogLevel, type Logger as BoltLogger, type Receiver } from '@slack/bolt';

import type { AlertStore } from '../alerts/types';
import type { BridgeConfig } from '../config/types';
import type { HttpRoutes } from '../http/types';
import type { Logger } from '../logging/logger';
import { classifySlackError, SlackSetupError } from './errors';
import { registerAlertActions, type SenderKick } from './interactions';
import { createPermissions, type ListGroupMembers } from './permissions';
import { SlackHttpReceiver } from './receiver';
import { createSocketModeReceiver } from './socket-mode';

export interface SlackAppOptions {
  config: BridgeConfig['slack'];
  store: AlertStore;
  sender: SenderKick;
  logger: Logger;
  /** Mounts `POST /slack/events` in HTTP mode; unused in Socket Mode. */
  routes: HttpRoutes;
  /** Milliseconds since the epoch; for signatures, acknowledgement times and caches. */
  clock: () => number;
  /** Socket Mode only: reconnect when Slack drops the socket. Defaults to true. */
  autoReconnect?: boolean;
}

/** The receiving side of Slack: button clicks in, acknowledgements recorded. */
export interface SlackApp {
  readonly app: App;
  readonly mode: 'socket' | 'http';
  /** Resolves once interactions are received; rejects with a `SlackSetupError` naming the setting. */
  start(): Promise<void>;
  /**
   * Starts receiving without waiting for it: in Socket Mode, the socket connects once Slack
   * answers. `onReceiving` is called then (after `slack.receiving`); a failure for good, such as
   * a refused app token, is logged as `slack.receive_failed`. Stopping first ends the attempt.
   */
  startInBackground(onReceiving: () => void): void;
  /** Safe while still connecting: resolves without waiting for Slack. */
  stop(): Promise<void>;
}

/**
 * Builds the Bolt app that receives button clicks: over Socket Mode when `slack.app_token`
 * is set, else on `POST /slack/events` of the daemon's HTTP listener. The bot token is handed
 * to Bolt through `authorize`, so Bolt makes no auth.test call; its Web API client never
 * retries in memory (the outbox retries durably) and only ever calls `slack.api_url`.
 */
export function createSlackApp(options: SlackAppOptions): SlackApp {
  const { config, logger } = options;
  checkSetup(config);

  const mode = config.appToken !== '' ? 'socket' : 'http';
  const secrets = [config.botToken, config.appToken, config.signingSecret];
  const boltLogger = createBoltLogger(logger, secrets);
  const app = new App({
    receiver: createReceiver(mode, options, boltLogger),
    authorize: async () => ({ botToken: config.botToken }),
    logger: boltLogger,
    convoStore: false,
    clientOptions: {
      slackApiUrl: config.apiUrl,
      timeout: config.timeoutMs,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      allowAbsoluteUrls: false,
    },
  });

  const listGroupMembers: ListGroupMembers = async (usergroup) => {
    const result = await app.client.usergroups.users.list({ token: config.botToken, usergroup });
    return result.users ?? [];
  };
  const permissions = createPermissions({
    allowedUsers: config.allowedUsers,
    listGroupMembers,
    logger,
    clock: options.clock,
  });
  registerAlertActions(app, { ...options, permissions });

  let stopping = false;
  return {
    app,
    mode,
    start: () => start(app, mode, logger),
    startInBackground: (onReceiving) => {
      start(app, mode, logger).then(onReceiving, (error: unknown) => {
        if (!stopping) reportStartFailure(error, mode, logger);
      });
    },
    stop: () => {
      stopping = true;
      return stop(app, logger);
    },
  };
}

function checkSetup(config: BridgeConfig['slack']): void {
  if (config.botToken === '') {
    throw new SlackSetupError(
      'slack.bot_token (SLACK_BOT_TOKEN) is empty: buttons cannot be answered without it',
    );
  }
  if (config.appToken === '' && config.signingSecret === '') {
    throw new SlackSetupError(
      'slack.signing_secret (SLACK_SIGNING_SECRET) is empty: HTTP mode needs it to verify ' +
        'requests to POST /slack/events; set it, or set slack.app_token (SLACK_APP_TOKEN) for Socket Mode',
    );
  }
}

function createReceiver(
  mode: 'socket' | 'http',
  options: SlackAppOptions,
  boltLogger: BoltLogger,
): Receiver {
  if (mode === 'socket') {
    return createSocketModeReceiver({
      appToken: options.config.appToken,
      apiUrl: options.config.apiUrl,
      timeoutMs: options.config.timeoutMs,
      logger: boltLogger,
      ...(options.autoReconnect !== undefined ? { autoReconnect: options.autoReconnect } : {}),
    });
  }

  return new SlackHttpReceiver({
    signingSecret: options.config.signingSecret,
    routes: options.routes,
    logger: options.logger,
    clock: options.clock,
  });
}

async function start(app: App, mode: 'socket' | 'http', logger: Logger): Promise<void> {
  try {
    await app.start();
  } catch (error) {
    throw new SlackSetupError(
      mode === 'socket'
        ? 'Socket Mode could not connect: check slack.app_token (SLACK_APP_TOKEN) and slack.api_url (SLACK_API_URL)'
        : 'the Slack receiver could not start',
      { cause: error },
    );
  }

  logger.info('receiving Slack interactions', { event: 'slack.receiving', mode });
}

/**
 * A background start that failed for good. Known shortcoming: nothing tries again, because what
 * ends the retries (a refused app token) needs the operator; the daemon keeps posting alerts.
 */
function reportStartFailure(error: unknown, mode: 'socket' | 'http', logger: Logger): void {
  const cause = error instanceof Error ? error.cause : undefined;
  const message = error instanceof Error ? error.message : String(error);
  logger.error(`${message}; alerts are still posted, but clicks are not received until restarted`, {
    event: 'slack.receive_failed',
    mode,
    error: cause === undefined ? 'closed before connecting' : classifySlackError(cause).error,
  });
}

async function stop(app: App, logger: Logger): Promise<void> {
  await app.stop();
  logger.info('stopped receiving Slack interactions', { event: 'slack.stopped' });
}

const WINSTON_TO_BOLT: Record<string, LogLevel> = {
  error: LogLevel.ERROR,
  warn: LogLevel.WARN,
  info: LogLevel.INFO,
};

/**
 * Routes Bolt's and the Socket Mode client's log lines into winston as `slack.bolt`. Bolt logs
 * request bodies at debug level; every known secret is masked in each line anyway. The level
 * reported to Bolt follows winston's, so Bolt skips building debug lines nobody will see.
 */
export function createBoltLogger(logger: Logger, secrets: string[]): BoltLogger {
  let name = 'bolt';
  const nonEmpty = secrets.filter((secret) => secret !== '');
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]): void => {
      const message = nonEmpty.reduce(
        (text, secret) => text.split(secret).join('[secret]'),
        parts.map(describe).join(' '),
      );
      logger[method](message, { event: 'slack.bolt', component: name });
    };

  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // Winston's level decides what is written; Bolt's setLevel calls are ignored on purpose.
    setLevel: () => undefined,
    getLevel: () => WINSTON_TO_BOLT[logger.level] ?? LogLevel.DEBUG,
    setName: (next: string) => {
      name = next;
    },
  };
}

function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.message;
  return JSON.stringify(part) ?? String(part);
}
