import { createHmac } from 'node:crypto';

/**
 * Signs and shapes requests as Slack sends them to an app's request URL. The HMAC is computed
 * here on its own rather than through src/slack/verify.ts, so that a mistake there cannot be
 * mirrored by the tests.
 */

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

/** Headers Slack would send for `body` at `timestampSeconds` (seconds since the epoch). */
export function signSlackBody(
  body: string,
  signingSecret: string,
  timestampSeconds: number,
): SlackSignatureHeaders {
  const timestamp = String(Math.floor(timestampSeconds));
  const digest = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return { 'x-slack-request-timestamp': timestamp, 'x-slack-signature': `v0=${digest}` };
}

export interface BlockActionOptions {
  actionId: 'alert_ack' | 'alert_unack' | string;
  /** The button value: an episode id. */
  value: string;
  userId: string;
  /** Where `respond()` posts; point it at a fake server. */
  responseUrl: string;
  channel?: string;
  messageTs?: string;
  teamId?: string;
}

/** A `block_actions` payload for one button click, with the fields Slack really sends. */
export function blockActionsPayload(options: BlockActionOptions): Record<string, unknown> {
  const channel = options.channel ?? 'C0ALERTS';
  const messageTs = options.messageTs ?? '1700000000.000100';
  const teamId = options.teamId ?? 'T0TEAM';
  return {
    type: 'block_actions',
    user: { id: options.userId, username: 'someone', name: 'someone', team_id: teamId },
    api_app_id: 'A0BRIDGE',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: messageTs,
      channel_id: channel,
      is_ephemeral: false,
    },
    trigger_id: '1234567890.123456.abcdef',
    team: { id: teamId, domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'alerts' },
    message: {
      type: 'message',
      ts: messageTs,
      user: 'U0BOT',
      bot_id: 'B0BOT',
      text: 'alert',
      blocks: [],
    },
    state: { values: {} },
    response_url: options.responseUrl,
    actions: [
      {
        action_id: options.actionId,
        block_id: 'alert_actions',
        text: { type: 'plain_text', text: 'Acknowledge', emoji: true },
        value: options.value,
        type: 'button',
        action_ts: '1700000001.000200',
      },
    ],
  };
}

/** The form-encoded body Slack posts for interactivity: `payload=<url-encoded JSON>`. */
export function interactivityBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/**
 * The POST Slack makes to an app's request URL for `payload`: form-encoded and signed with
 * `signingSecret` at `timestampSeconds`. Give it to `fetch` with the daemon's /slack/events.
 */
export function interactionRequest(
  payload: Record<string, unknown>,
  signingSecret: string,
  timestampSeconds: number,
): { method: 'POST'; headers: Record<string, string>; body: string } {
  const body = interactivityBody(payload);
  const headers = signSlackBody(body, signingSecret, timestampSeconds);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  };
}
