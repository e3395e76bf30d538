import type { AlertIdentity, AlertState, Severity, Transition } from '../rules/types';

/**
 * An episode runs from an alert leaving `clear` to its return. It owns one Slack message and
 * a timeline that the message's thread mirrors.
 */
export interface Episode {
  id: string;
  identity: AlertIdentity;
  /** Copied from the rule when the episode opened, so a removed rule still renders. */
  ruleTitle: string;
  units: string;
  startedAt: number;
  /** Set when the alert returned to clear (or its rule was removed). */
  endedAt: number | undefined;
  severity: Severity;
  peakSeverity: Severity;
  lastValue: number | undefined;
  /** The threshold the last transition crossed. */
  threshold: number | undefined;
  acknowledgement: Acknowledgement | undefined;
  message: MessageRef | undefined;
  /**
   * Set, durably, just before the first attempt to post the episode's message. A delivery that
   * finds it set and no message ref may have posted already (the process died between Slack
   * accepting the post and the store recording its ref) and must look for that post. Optional
   * so that episodes built by hand read as never attempted.
   */
  postAttemptedAt?: number | undefined;
  timeline: TimelineEntry[];
}

export interface Acknowledgement {
  /** Slack user id (`U…`), or a name in console mode. */
  user: string;
  at: number;
}

/** Where an episode's message lives in Slack. */
export interface MessageRef {
  channel: string;
  ts: string;
}

export type TimelineEvent =
  | {
      kind: 'transition';
      from: Severity;
      to: Severity;
      value: number;
      threshold: number | undefined;
    }
  | { kind: 'acknowledged'; user: string }
  | { kind: 'unacknowledged'; user: string }
  /** The rule was removed from the config; the episode was closed without a clear sample. */
  | { kind: 'rule_removed' };

export type TimelineEntry = TimelineEvent & {
  /** Order inside the episode, from 1. */
  seq: number;
  at: number;
  /** True once the line is in the message's thread. */
  posted: boolean;
};

/** What the engine keeps per alert, plus the recent values a sparkline draws. */
export interface StoredAlert {
  identity: AlertIdentity;
  state: AlertState;
  /** Oldest first, at most `RECENT_VALUES` entries. */
  recentValues: number[];
  /** The open episode, if the alert is not clear. */
  episodeId: string | undefined;
}

export const RECENT_VALUES = 20;

/** The outcome of one cycle for one alert, written by `AlertStore.applyEvaluations`. */
export interface EvaluatedAlert {
  identity: AlertIdentity;
  state: AlertState;
  /** The value of this cycle's sample, when there was one. */
  value: number | undefined;
  transition: Transition | undefined;
  ruleTitle: string;
  units: string;
}

/** Everything waiting to reach Slack for one episode, delivered as one update. */
export interface PendingDelivery {
  episode: Episode;
  /** Outbox entry ids covered by this delivery, oldest first. */
  outboxIds: number[];
  attempts: number;
  /** Oldest entry's creation time, for the outbox-age metric. */
  oldestAt: number;
}

export type AckResult =
  | { outcome: 'acknowledged' | 'unacknowledged'; episode: Episode }
  /** Nothing changed: already in that state, or the episode is over. */
  | { outcome: 'unchanged'; episode: Episode }
  | { outcome: 'not_found' };

/**
 * Durable alert state. A transition and the notification it causes are written in one
 * transaction; a sender later reads the outbox and marks what Slack accepted.
 */
export interface AlertStore {
  getAlert(key: string): StoredAlert | undefined;
  listAlerts(): StoredAlert[];
  /**
   * Writes one cycle's outcome in a single transaction: every state, and for each transition
   * the episode change, its timeline entry and an outbox entry. Returns the episodes touched
   * by transitions.
   */
  applyEvaluations(evaluated: EvaluatedAlert[]): Episode[];
  getEpisode(id: string): Episode | undefined;
  acknowledge(episodeId: string, user: string, at: number): AckResult;
  unacknowledge(episodeId: string, user: string, at: number): AckResult;
  /** Closes the open episode of an alert whose rule is gone, queues its last update, forgets the alert. */
  closeForRemovedRule(key: string, at: number): Episode | undefined;
  /** Deliveries whose next attempt is due at `now`, at most one per episode, in order. */
  dueDeliveries(now: number, limit: number): PendingDelivery[];
  /** Recorded as soon as Slack accepted a post, before anything else is sent. */
  setMessageRef(episodeId: string, message: MessageRef): void;
  /**
   * Records, durably and before the post is sent, that posting the episode's message is being
   * attempted. Sets the time only when none is recorded, so the first attempt's time stays.
   */
  markPostAttempt(episodeId: string, at: number): void;
  /** Marks the outbox entries delivered and the given timeline entries posted. */
  markDelivered(episodeId: string, outboxIds: number[], postedSeqs: number[], at: number): void;
  /** Schedules another attempt; `permanent` stops retrying and keeps the entry for inspection. */
  markFailed(outboxIds: number[], nextAttemptAt: number, error: string, permanent: boolean): void;
  /** Depth and oldest undelivered entry, for health and metrics. */
  outboxStats(): { depth: number; oldestAt: number | undefined };
  /** Deletes episodes that ended before `before`; returns how many. */
  prune(before: number): number;
  /** Throws when the store cannot be written (readiness probe). */
  checkWritable(): void;
  close(): void;
}
