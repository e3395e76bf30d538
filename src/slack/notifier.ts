import type { WebClient } from '@slack/web-api';

import type { DeliveryRequest, DeliveryResult, Notifier } from '../alerts/notifier';
import type { Episode, MessageRef, TimelineEntry } from '../alerts/types';
import type { Logger } from '../logging/logger';
import { classifySlackError, slackErrorCode } from './errors';
import { renderEpisode, renderThreadReply, type RenderedMessage } from './render';

/** The metadata event type that marks the bridge's own alert posts in a channel. */
export const ALERT_EVENT_TYPE = 'netdata_bridge_alert';

/** How far before an episode's start the channel history is searched, for clock skew. */
const HISTORY_MARGIN_MS = 10 * 60_000;
/** Pages of 200 messages searched for an earlier post; a busier channel may hide it. */
const HISTORY_PAGES = 5;

export interface SlackNotifierOptions {
  client: WebClient;
  /** Channel id (`C…`), as resolved by `checkSlackSetup`; history lookups need an id. */
  channel: string;
  /** `slack.mention_on_critical`: `@here`, `@channel`, `S…` or empty. */
  mentionOnCritical: string;
  logger: Logger;
}

/**
 * Delivers an episode to Slack as one message, kept up to date with chat.update, and its
 * timeline as replies in that message's thread. Failures are returned, not retried: the
 * outbox decides when to try again.
 *
 * Idempotence of a first post rests on the caller: a repeated first post is found, not doubled,
 * only when its request carries `postAttemptedAt`, which the outbox sender records before every
 * first post. A request without it is posted directly, with no search.
 */
export class SlackNotifier implements Notifier {
  readonly name = 'slack';

  constructor(private readonly options: SlackNotifierOptions) {}

  async deliver(
    request: DeliveryRequest,
    onPosted: (message: MessageRef) => void,
  ): Promise<DeliveryResult> {
    const { episode } = request;
    try {
      const rendered = renderEpisode({
        episode,
        recentValues: request.recentValues,
        chartUrl: request.chartUrl,
        mentionOnCritical: this.options.mentionOnCritical,
        now: request.now,
      });

      const message = await this.upsertMessage(episode, rendered, onPosted);

      await this.replyInThread(episode, message, threadEntries(episode, request.unposted));

      return { ok: true, message, postedSeqs: request.unposted.map((entry) => entry.seq) };
    } catch (error) {
      return this.failure(episode, error);
    }
  }

  /**
   * Updates the episode's message, or posts it when the store has no ref yet. Only a first post
   * that was attempted before (retried, or interrupted by a crash) looks for an earlier post.
   */
  private async upsertMessage(
    episode: Episode,
    rendered: RenderedMessage,
    onPosted: (message: MessageRef) => void,
  ): Promise<MessageRef> {
    const known =
      episode.message ?? (mayHavePosted(episode) ? await this.findPosted(episode) : undefined);
    if (known === undefined) return this.post(episode, rendered, onPosted);

    if (episode.message === undefined) {
      this.options.logger.info('found an earlier post for the episode', {
        event: 'slack.post_recovered',
        key: episode.identity.key,
        episode: episode.id,
        ts: known.ts,
      });
      onPosted(known);
    }

    try {
      await this.options.client.chat.update({
        channel: known.channel,
        ts: known.ts,
        ...rendered,
        metadata: metadataOf(episode),
      });
    } catch (error) {
      // Someone deleted the message: a new one is better than retrying an update forever.
      if (slackErrorCode(error) !== 'message_not_found') throw error;
      return this.post(episode, rendered, onPosted);
    }

    this.options.logger.info('updated the alert message', {
      event: 'slack.updated',
      key: episode.identity.key,
      episode: episode.id,
      channel: known.channel,
      ts: known.ts,
    });
    return known;
  }

  private async post(
    episode: Episode,
    rendered: RenderedMessage,
    onPosted: (message: MessageRef) => void,
  ): Promise<MessageRef> {
    const result = await this.options.client.chat.postMessage({
      channel: this.options.channel,
      ...rendered,
      metadata: metadataOf(episode),
    });
    const message = { channel: result.channel ?? this.options.channel, ts: result.ts ?? '' };

    // Recorded before anything else is sent, so a crash from here on cannot double the post.
    onPosted(message);

    this.options.logger.info('posted the alert message', {
      event: 'slack.posted',
      key: episode.identity.key,
      episode: episode.id,
      channel: message.channel,
      ts: message.ts,
    });
    return message;
  }

  /**
   * Looks in the channel for a post made for this episode whose ref never reached the store
   * (a crash between Slack accepting the post and the store recording it). Costs one history
   * call (up to HISTORY_PAGES) only for a retried or interrupted first post, never for a true
   * first post; without the `channels:history` scope the search is skipped.
   */
  private async findPosted(episode: Episode): Promise<MessageRef | undefined> {
    const oldest = String(Math.floor((episode.startedAt - HISTORY_MARGIN_MS) / 1000));
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page += 1) {
      const history = await this.readHistory(episode, oldest, cursor);
      if (history === undefined) return undefined;

      const found = history.messages?.find((m) => isPostFor(m.metadata, episode.id));
      if (found?.ts !== undefined) return { channel: this.options.channel, ts: found.ts };

      cursor = history.response_metadata?.next_cursor;
      if (history.has_more !== true || !cursor) return undefined;
    }
    return undefined;
  }

  private async readHistory(episode: Episode, oldest: string, cursor: string | undefined) {
    try {
      return await this.options.client.conversations.history({
        channel: this.options.channel,
        oldest,
        include_all_metadata: true,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
    } catch (error) {
      if (slackErrorCode(error) !== 'missing_scope') throw error;
      this.options.logger.warn(
        'cannot read channel history; a crash right after posting may double a post',
        {
          event: 'slack.history_unavailable',
          key: episode.identity.key,
          error: 'missing_scope',
        },
      );
      return undefined;
    }
  }

  /**
   * Posts the waiting timeline lines as one reply, so a burst of changes reads as one story.
   * Limit: a crash after Slack accepted the reply but before the store marked it posted
   * repeats the reply on the next delivery; replies carry no marker to search for.
   */
  private async replyInThread(episode: Episode, message: MessageRef, entries: TimelineEntry[]) {
    if (entries.length === 0) return;

    await this.options.client.chat.postMessage({
      channel: message.channel,
      thread_ts: message.ts,
      text: renderThreadReply(entries, episode.units, episode.startedAt),
    });

    this.options.logger.info('replied in the alert thread', {
      event: 'slack.thread_replied',
      key: episode.identity.key,
      episode: episode.id,
      seqs: entries.map((entry) => entry.seq),
    });
  }

  private failure(episode: Episode, error: unknown): DeliveryResult {
    const failure = classifySlackError(error);
    const permanent = failure.kind === 'permanent';
    const retryAfterMs = failure.kind === 'rate_limited' ? failure.retryAfterMs : undefined;

    this.options.logger.warn('Slack delivery failed', {
      event: 'slack.delivery_failed',
      key: episode.identity.key,
      episode: episode.id,
      error: failure.error,
      permanent,
      retryAfterMs,
    });
    return { ok: false, permanent, retryAfterMs, error: failure.error };
  }
}

/** Every unposted entry except the episode's first transition, which the message itself tells. */
function threadEntries(episode: Episode, unposted: TimelineEntry[]): TimelineEntry[] {
  const transitions = [...episode.timeline, ...unposted].filter((e) => e.kind === 'transition');
  const firstSeq = Math.min(...transitions.map((entry) => entry.seq));
  return unposted.filter((entry) => entry.seq !== firstSeq);
}

/**
 * True when an earlier attempt to post may have reached Slack: the sender marks the attempt
 * durably before handing over the first post, and the request carries the mark as it was
 * before this attempt. An episode without the mark cannot have a post in the channel.
 */
function mayHavePosted(episode: Episode): boolean {
  return episode.message === undefined && episode.postAttemptedAt !== undefined;
}

function metadataOf(episode: Episode) {
  return {
    event_type: ALERT_EVENT_TYPE,
    event_payload: { episode_id: episode.id, key: episode.identity.key },
  };
}

function isPostFor(metadata: unknown, episodeId: string): boolean {
  const candidate = metadata as { event_type?: unknown; event_payload?: { episode_id?: unknown } };
  return (
    candidate?.event_type === ALERT_EVENT_TYPE && candidate.event_payload?.episode_id === episodeId
  );
}
