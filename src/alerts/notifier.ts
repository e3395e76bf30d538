import type { Episode, MessageRef, TimelineEntry } from './types';

/** What a notifier needs to render one episode's message. */
export interface DeliveryRequest {
  episode: Episode;
  /** Timeline entries not yet in the thread, oldest first. */
  unposted: TimelineEntry[];
  /** Recent values of the alert for a sparkline, oldest first. */
  recentValues: number[];
  /** Link to the chart on the Netdata dashboard. */
  chartUrl: string | undefined;
  now: number;
}

export type DeliveryResult =
  | { ok: true; message: MessageRef | undefined; postedSeqs: number[] }
  | { ok: false; permanent: boolean; retryAfterMs: number | undefined; error: string };

/**
 * Sends an episode's current state somewhere people read it. Implementations must be
 * idempotent per episode: delivering the same request twice leaves one message.
 */
export interface Notifier {
  readonly name: string;
  /** Called once a message ref is known, before thread replies, so a crash cannot double a post. */
  deliver(
    request: DeliveryRequest,
    onPosted: (message: MessageRef) => void,
  ): Promise<DeliveryResult>;
}
