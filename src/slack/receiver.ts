import type { App, Receiver, ReceiverEvent } from '@slack/bolt';

import type { HttpRequest, HttpResponse, HttpRoutes } from '../http/types';
import type { Logger } from '../logging/logger';
import { verifySlackRequest } from './verify';

/** Where Slack posts events and interactions, on the daemon's one HTTP listener. */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Slack gives up on a request after 3 s. Answering a little earlier leaves room for the
 * network; a listener that has not acknowledged by then gets a 500 and Slack shows an error.
 */
export const ACK_TIMEOUT_MS = 2_800;

export interface HttpReceiverOptions {
  signingSecret: string;
  routes: HttpRoutes;
  logger: Logger;
  /** Milliseconds since the epoch; signatures are checked against it. */
  clock: () => number;
  ackTimeoutMs?: number;
}

type Body = Record<string, unknown>;

/**
 * A Bolt receiver that mounts `POST /slack/events` on the daemon's HTTP routes instead of
 * opening a port of its own. Every request is verified (signature and timestamp, see
 * verify.ts) before it is parsed; the response is whatever the listener passed to `ack()`.
 */
export class SlackHttpReceiver implements Receiver {
  private app: App | undefined;
  private accepting = false;

  constructor(private readonly options: HttpReceiverOptions) {
    options.routes.route('POST', SLACK_EVENTS_PATH, (request) => this.handle(request));
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {
    this.accepting = true;
  }

  async stop(): Promise<void> {
    this.accepting = false;
  }

  private async handle(request: HttpRequest): Promise<HttpResponse> {
    const app = this.app;
    if (!this.accepting || app === undefined) {
      return { status: 503, body: 'not ready' };
    }

    const verified = verifySlackRequest({
      signingSecret: this.options.signingSecret,
      timestampHeader: header(request, 'x-slack-request-timestamp'),
      signatureHeader: header(request, 'x-slack-signature'),
      rawBody: request.rawBody,
      now: this.options.clock(),
    });
    if (!verified.ok) {
      this.options.logger.warn('refused a request that did not verify', {
        event: 'slack.request_rejected',
        reason: verified.reason,
        path: request.path,
      });
      return { status: 401, body: 'invalid request signature' };
    }

    const body = parseBody(request);
    if (body === undefined) {
      this.options.logger.warn('refused a request body that could not be parsed', {
        event: 'slack.request_malformed',
        contentType: header(request, 'content-type'),
      });
      return { status: 400, body: 'malformed body' };
    }

    if (body.type === 'url_verification') {
      return json({ challenge: body.challenge });
    }
    if (body.ssl_check !== undefined) {
      return { status: 200, body: '' };
    }
    return this.dispatch(app, request, body);
  }

  /** Runs Bolt's middleware and answers as soon as a listener acknowledges. */
  private dispatch(app: App, request: HttpRequest, body: Body): Promise<HttpResponse> {
    const retryNum = header(request, 'x-slack-retry-num');
    const retryReason = header(request, 'x-slack-retry-reason');

    return new Promise<HttpResponse>((resolve) => {
      let answered = false;
      const answer = (response: HttpResponse): void => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(response);
      };
      const timer = setTimeout(() => {
        this.options.logger.warn('no listener acknowledged in time', {
          event: 'slack.ack_timeout',
          type: body.type,
        });
        answer({ status: 500, body: 'not acknowledged' });
      }, this.options.ackTimeoutMs ?? ACK_TIMEOUT_MS);

      const event: ReceiverEvent = {
        body,
        ack: async (response?: unknown) => answer(ackResponse(response)),
        ...(retryNum !== undefined ? { retryNum: Number.parseInt(retryNum, 10) } : {}),
        ...(retryReason !== undefined ? { retryReason } : {}),
      };

      app.processEvent(event).then(
        // Bolt awaits its listeners, so nothing acknowledges after this: no listener matched.
        () => answer({ status: 404, body: 'no listener for this request' }),
        (error: unknown) => {
          this.options.logger.error('processing a Slack request failed', {
            event: 'slack.process_failed',
            type: body.type,
            error: error instanceof Error ? error.message : String(error),
          });
          answer({ status: 500, body: 'processing failed' });
        },
      );
    });
  }
}

/** What Slack receives for `ack(response)`: empty, plain text, or JSON (e.g. view errors). */
function ackResponse(response: unknown): HttpResponse {
  if (response === undefined || response === null || response === '') {
    return { status: 200, body: '' };
  }
  if (typeof response === 'string') {
    return { status: 200, headers: { 'content-type': 'text/plain' }, body: response };
  }
  return json(response);
}

function json(value: unknown): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(value),
  };
}

function header(request: HttpRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Interactivity arrives form-encoded with the JSON in `payload`; slash commands as plain form
 * fields; Events API calls as JSON. Returns undefined for anything else.
 */
function parseBody(request: HttpRequest): Body | undefined {
  const contentType = header(request, 'content-type') ?? '';
  const text = request.rawBody.toString('utf8');
  try {
    if (contentType.includes('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(text);
      const payload = form.get('payload');
      return payload !== null ? asBody(JSON.parse(payload)) : Object.fromEntries(form);
    }
    if (contentType.includes('application/json')) {
      return asBody(JSON.parse(text));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function asBody(value: unknown): Body | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Body)
    : undefined;
}
