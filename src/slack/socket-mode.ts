import { SocketModeReceiver } from '@slack/bolt';
import type { Logger as SlackLogger } from '@slack/bolt';

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

/**
 * Bolt's Socket Mode receiver, pointed at the configured Web API. Unlike the bot's client,
 * the socket client keeps its own retries of apps.connections.open: that call re-opens the
 * connection after Slack recycles it, and without retries a short outage would leave the
 * daemon deaf to clicks until restarted. Nothing it retries is a delivery, so no message can
 * be doubled.
 */
export function createSocketModeReceiver(options: SocketModeReceiverOptions): SocketModeReceiver {
  return new ClosingSocketModeReceiver({
    appToken: options.appToken,
    logger: options.logger,
    autoReconnectEnabled: options.autoReconnect ?? true,
    installerOptions: {
      clientOptions: {
        slackApiUrl: options.apiUrl,
        timeout: options.timeoutMs,
        allowAbsoluteUrls: false,
      },
    },
  });
}

/**
 * Bolt's `stop()` starts the close handshake and returns at once; this one resolves only when
 * the socket is closed, so a daemon shutting down does not leave a connection (and its timers)
 * behind.
 */
class ClosingSocketModeReceiver extends SocketModeReceiver {
  override async stop(): Promise<void> {
    await this.client.disconnect();
  }
}
