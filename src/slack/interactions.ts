import type { App, BlockAction, ButtonAction, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

import type { AckResult, AlertStore } from '../alerts/types';
import type { Logger } from '../logging/logger';
import type { Permissions } from './permissions';
import { ACK_ACTION_ID, OPEN_CHART_ACTION_ID, UNACK_ACTION_ID } from './render';

/** The part of the outbox sender an interaction needs: deliver what the store just queued. */
export interface SenderKick {
  kick(): unknown;
}

export interface AlertActionsOptions {
  store: AlertStore;
  sender: SenderKick;
  permissions: Permissions;
  logger: Logger;
  /** Milliseconds since the epoch; recorded as the acknowledgement time. */
  clock: () => number;
}

type Change = 'acknowledge' | 'unacknowledge';

interface Click {
  change: Change;
  episodeId: string;
  userId: string;
  channelId: string | undefined;
  client: WebClient;
  respond: RespondFn;
}

/**
 * Registers the Acknowledge / Unacknowledge buttons (`alert_ack` / `alert_unack`, value: the
 * episode id, see render.ts). A click is acknowledged to Slack at once;
 * then the user is checked against the allow list, the store records the change (idempotent:
 * repeated clicks leave one record) and the sender is kicked. The message itself is updated
 * from the durable outbox the store wrote to, never from here, so a crash after the click
 * still ends with the right message.
 */
export function registerAlertActions(app: App, options: AlertActionsOptions): void {
  // A link button still sends an interaction; unanswered, Slack marks the click as failed.
  app.action(OPEN_CHART_ACTION_ID, async ({ ack }) => {
    await ack();
  });

  for (const [actionId, change] of [
    [ACK_ACTION_ID, 'acknowledge'],
    [UNACK_ACTION_ID, 'unacknowledge'],
  ] as const) {
    app.action<BlockAction<ButtonAction>>(
      actionId,
      async ({ ack, body, action, client, respond }) => {
        await ack();

        const click: Click = {
          change,
          episodeId: action.value ?? '',
          userId: body.user.id,
          channelId: body.channel?.id ?? body.container?.channel_id,
          client,
          respond,
        };
        try {
          await handleClick(click, options);
        } catch (error) {
          options.logger.error('could not record a button click', {
            event: 'slack.action_failed',
            key: keyOf(click.episodeId, options.store),
            episode: click.episodeId,
            user: click.userId,
            error: error instanceof Error ? error.message : String(error),
          });
          await tellUser(
            click,
            'Sorry, the bridge could not record that. Please try again.',
            options,
          );
        }
      },
    );
  }
}

async function handleClick(click: Click, options: AlertActionsOptions): Promise<void> {
  if (!(await options.permissions.isAllowed(click.userId))) {
    options.logger.warn('refused a click from a user not on the allow list', {
      event: 'slack.action_refused',
      key: keyOf(click.episodeId, options.store),
      episode: click.episodeId,
      user: click.userId,
      action: click.change,
    });
    await tellUser(
      click,
      'You are not on the allow list for acknowledging alerts (`slack.allowed_users`), so nothing was changed.',
      options,
    );
    return;
  }

  const result =
    click.change === 'acknowledge'
      ? options.store.acknowledge(click.episodeId, click.userId, options.clock())
      : options.store.unacknowledge(click.episodeId, click.userId, options.clock());

  if (result.outcome === 'acknowledged' || result.outcome === 'unacknowledged') {
    options.logger.info(`alert ${result.outcome} in Slack`, {
      event: `alert.${result.outcome}`,
      key: result.episode.identity.key,
      episode: click.episodeId,
      user: click.userId,
    });
    options.sender.kick();
    return;
  }

  options.logger.info('a click changed nothing', {
    event: 'slack.action_unchanged',
    key: result.outcome === 'unchanged' ? result.episode.identity.key : undefined,
    episode: click.episodeId,
    user: click.userId,
    action: click.change,
    outcome: result.outcome,
  });
  await tellUser(click, explainUnchanged(click.change, result), options);
}

/** Why a click changed nothing, in words for the person who clicked. */
export function explainUnchanged(change: Change, result: AckResult): string {
  if (result.outcome === 'not_found') {
    return 'This alert is no longer tracked by the bridge, so nothing was changed.';
  }
  if (result.outcome !== 'unchanged') {
    return '';
  }

  const { episode } = result;
  if (episode.endedAt !== undefined) {
    return 'This alert has already cleared, so nothing was changed.';
  }
  if (change === 'acknowledge' && episode.acknowledgement !== undefined) {
    return `Already acknowledged by <@${episode.acknowledgement.user}>.`;
  }
  return 'This alert is not acknowledged, so nothing was changed.';
}

/**
 * Sends a message only the clicking user sees. chat.postEphemeral is used where the channel is
 * known (always, for the alert messages this bridge posts); `respond` is the fallback. A
 * failure is logged and swallowed: the click was already handled.
 */
async function tellUser(click: Click, text: string, options: AlertActionsOptions): Promise<void> {
  try {
    if (click.channelId !== undefined) {
      await click.client.chat.postEphemeral({ channel: click.channelId, user: click.userId, text });
    } else {
      await click.respond({ response_type: 'ephemeral', replace_original: false, text });
    }
  } catch (error) {
    options.logger.warn('could not send an ephemeral message', {
      event: 'slack.ephemeral_failed',
      episode: click.episodeId,
      user: click.userId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** The alert key for log lines; undefined when the store cannot say (it may be what failed). */
function keyOf(episodeId: string, store: AlertStore): string | undefined {
  try {
    return store.getEpisode(episodeId)?.identity.key;
  } catch {
    return undefined;
  }
}
