import { LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';

import type { Logger } from '../logging/logger';

export interface SlackClientOptions {
  /** Bot token (`xoxb-…`); sent only in the Authorization header, never logged. */
  token: string;
  /** Web API base URL (`slack.api_url`); a missing trailing slash is added. */
  apiUrl: string;
  /** Per request; the Web API client has no timeout unless given one. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * A Web API client for the bridge. It never retries and rejects rate-limited calls at once:
 * delivery retries live in the durable outbox, so an in-memory retry would only hide a backlog
 * and be lost on restart. Absolute URLs are refused so the token only ever goes to `apiUrl`.
 */
export function createWebClient(options: SlackClientOptions): WebClient {
  const slackApiUrl = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;

  return new WebClient(options.token, {
    slackApiUrl,
    timeout: options.timeoutMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    allowAbsoluteUrls: false,
    logger: createSlackLogger(options.logger, options.token),
  });
}

/**
 * Routes the Web API client's own log lines into winston under `slack.client`. The client
 * redacts tokens in what it logs; the adapter masks the token again in case a message quotes it.
 */
export function createSlackLogger(logger: Logger, token: string): SlackLogger {
  let level = LogLevel.INFO;
  let name = 'web-api';
  const write =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]): void => {
      const message = parts.map(describe).join(' ');
      logger[method](maskToken(message, token), { event: 'slack.client', client: name });
    };

  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // Winston's own level decides what is written; these only keep the interface whole.
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
    },
  };
}

/** Replaces every occurrence of `token` in `text`; an empty token leaves the text alone. */
export function maskToken(text: string, token: string): string {
  if (token === '') return text;
  return text.split(token).join('[token]');
}

function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.message;
  return JSON.stringify(part) ?? String(part);
}
