import { SocketModeReceiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/bolt';
import type { FetchFunction, RetryOptions } from '@slack/web-api';

export interface SocketModeReceiverOptions {
  /** App-level token (`xapp-…`, `slack.app_token`); goes only into apps.connections.open. */
  appToken: string;
  /** Web API base URL, ending with a slash; apps.connections.open is called there. */
  apiUrl: string;
  timeoutMs: number;
  logger: SlackLogger;
  /** Reconnect when Slack drops the socket (it does, routinely); tests turn it off. */
  autoReconnect?: boolean;
}

/** The longest wait between two apps.connections.open attempts while Slack does not answer. */
const MAX_RETRY_WAIT_MS = 30_000;

/**
 * Bolt's Socket Mode receiver, pointed at the configured Web API. Unlike the bot's client,
 * the socket client keeps its own retries of apps.connections.open: that call re-opens the
 * connection after Slack recycles it, and without retries a short outage would leave the
 * daemon deaf to clicks until restarted. Nothing it retries is a delivery, so no message can
 * be doubled. Slack not answering (network, HTTP 5xx) is retried for as long as it lasts, at
 * most 30 s apart; a refused token is not retried. `stop()` ends an attempt still under way.
 */
export function createSocketModeReceiver(options: SocketModeReceiverOptions): SocketModeReceiver {
  const halt = new AbortController();
  return new ClosingSocketModeReceiver(halt, {
    appToken: options.appToken,
    logger: options.logger,
    autoReconnectEnabled: options.autoReconnect ?? true,
    installerOptions: {
      clientOptions: {
        slackApiUrl: options.apiUrl,
        timeout: options.timeoutMs,
        allowAbsoluteUrls: false,
        retryConfig: connectRetries(halt.signal, options.logger),
        fetch: haltableFetch(halt.signal),
      },
    },
  });
}

/**
 * Retries of apps.connections.open: forever, 1 s apart at first and at most 30 s apart, on timers
 * that do not keep the process alive. Once halted, the failed attempt is never settled: the
 * client's connect chain (its first start or a reconnect after Slack dropped the socket) then
 * just ends, holding no timer. Rejecting instead would surface as an unhandled rejection inside
 * the Socket Mode client, whose reconnect path does not catch. Limit: this relies on the Web API
 * client handing `retryConfig` to p-retry unchanged, which is where `onFailedAttempt` is read.
 */
function connectRetries(halted: AbortSignal, logger: SlackLogger): RetryOptions {
  const retries: RetryOptions & { onFailedAttempt: () => Promise<void> } = {
    retries: 20,
    forever: true,
    factor: 1.3,
    minTimeout: 1_000,
    maxTimeout: MAX_RETRY_WAIT_MS,
    unref: true,
    onFailedAttempt: () => {
      if (!halted.aborted) return Promise.resolve();
      logger.debug('Socket Mode stopped while connecting: no further connection attempt');
      return new Promise<void>(() => undefined);
    },
  };
  return retries;
}

/** fetch that aborts a request under way when halted, and refuses to start one after. */
function haltableFetch(halted: AbortSignal): FetchFunction {
  return (url, init) => {
    if (halted.aborted) return Promise.reject(new Error('Socket Mode is stopping'));

    const signal = init?.signal ? AbortSignal.any([init.signal, halted]) : halted;
    return fetch(url, { ...init, signal });
  };
}

/**
 * Bolt's `stop()` starts the close handshake and returns at once; this one resolves only when
 * the socket is closed, so a daemon shutting down does not leave a connection (and its timers)
 * behind. While the socket is still connecting it first halts the connection attempts.
 */
class ClosingSocketModeReceiver extends SocketModeReceiver {
  constructor(
    private readonly halt: AbortController,
    options: ConstructorParameters<typeof SocketModeReceiver>[0],
  ) {
    super(options);
  }

  override async stop(): Promise<void> {
    this.halt.abort();
    await this.client.disconnect();
  }
}
