import {
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
} from '@slack/web-api';

/**
 * Slack Web API errors that no retry can fix: the operator has to change the token, the
 * channel, the app's scopes or the message. Everything else is worth another attempt.
 */
export const PERMANENT_SLACK_ERRORS: readonly string[] = [
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'missing_scope',
  'no_permission',
  'msg_too_long',
  'invalid_blocks',
];

/** What went wrong with one Web API call, in the terms the outbox retries by. */
export type SlackFailure =
  | { kind: 'rate_limited'; retryAfterMs: number; error: string }
  | { kind: 'permanent'; error: string }
  | { kind: 'transient'; error: string };

/**
 * Classifies an error thrown by the Web API client. The description never holds the token:
 * it is built from Slack's error code, the HTTP status or the transport error's message, and
 * the client keeps the token in a header that none of these repeat.
 */
export function classifySlackError(error: unknown): SlackFailure {
  if (error instanceof WebAPIRateLimitedError) {
    return {
      kind: 'rate_limited',
      retryAfterMs: error.retryAfter * 1000,
      error: `ratelimited (retry after ${error.retryAfter} s)`,
    };
  }

  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    const kind = PERMANENT_SLACK_ERRORS.includes(code) ? 'permanent' : 'transient';
    return { kind, error: code };
  }

  if (error instanceof WebAPIHTTPError) {
    return { kind: 'transient', error: `HTTP ${error.statusCode} ${error.statusMessage}`.trim() };
  }

  if (error instanceof WebAPIRequestError) {
    return { kind: 'transient', error: `request failed: ${describeCause(error.original)}` };
  }

  return { kind: 'transient', error: error instanceof Error ? error.message : String(error) };
}

/** The Slack error code of a platform error (`channel_not_found`), else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  return error instanceof WebAPIPlatformError ? error.data.error : undefined;
}

/** Slack is not set up so the daemon can post: the message says which setting to change. */
export class SlackSetupError extends Error {
  override readonly name = 'SlackSetupError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** fetch wraps the socket error (ECONNREFUSED) in `cause`; name both so the log says which. */
function describeCause(original: Error): string {
  const cause = (original as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `${original.message} (${code})`;
  if (original.name === 'TimeoutError') return `timed out (${original.message})`;
  return original.message;
}
