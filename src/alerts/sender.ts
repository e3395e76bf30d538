import type { Logger } from '../logging/logger';
import { retryDelayMs } from './backoff';
import { describeError } from './errors';
import type { DeliveryRequest, DeliveryResult, Notifier } from './notifier';
import type { AlertStore, Episode, MessageRef, PendingDelivery } from './types';

/** Upper bound on outbox reads in one run; the next timer tick picks up the rest. */
const MAX_BATCHES_PER_RUN = 20;

export interface OutboxSenderOptions {
  store: AlertStore;
  notifier: Notifier;
  logger: Logger;
  /** Milliseconds since the epoch. */
  clock: () => number;
  /** Link to the episode's chart on the Netdata dashboard, if one can be built. */
  chartUrlFor: (episode: Episode) => string | undefined;
  /** Deliveries in flight at once; default 4. */
  concurrency?: number;
  /** Deliveries read from the outbox per query; default 50. */
  batchSize?: number;
  /** Period of the timer started by `start()`; default 1000 ms. */
  intervalMs?: number;
}

/**
 * Reads due deliveries from the store and hands them to the notifier. Keeps no retry state in
 * memory: attempts and next-attempt times live in the outbox, so a restart resumes where the
 * last process stopped.
 */
export class OutboxSender {
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private inFlight: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private rerun = false;
  private stopped = false;

  constructor(private readonly options: OutboxSenderOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.batchSize = Math.max(1, options.batchSize ?? 50);
    this.intervalMs = options.intervalMs ?? 1000;
  }

  /**
   * Delivers everything due now, batch after batch, and resolves to how many deliveries
   * succeeded. Never rejects. A call while a run is in flight joins that run.
   */
  runOnce(): Promise<number> {
    if (this.inFlight !== undefined) {
      this.rerun = true;
      return this.inFlight;
    }

    const run = this.drain().finally(() => {
      this.inFlight = undefined;
      if (this.rerun && !this.stopped) {
        this.rerun = false;
        this.kick();
      }
    });
    this.inFlight = run;
    return run;
  }

  /** Runs every `intervalMs` until `stop()`; the timer does not keep the process alive. */
  start(): void {
    this.stopped = false;
    if (this.timer === undefined) {
      this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Asks for a run soon, e.g. right after a poll cycle or a click queued something. */
  kick(): void {
    if (this.stopped || this.kickTimer !== undefined) {
      return;
    }

    this.kickTimer = setTimeout(() => {
      this.kickTimer = undefined;
      void this.runOnce();
    }, 0);
    this.kickTimer.unref();
  }

  /** Stops the timers and waits for the run in flight, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.kickTimer);
    this.timer = undefined;
    this.kickTimer = undefined;

    await this.inFlight;
  }

  private async drain(): Promise<number> {
    let delivered = 0;

    // A full batch may mean more is due; a short one means the outbox is drained for now. The
    // cap stops a run from spinning when every attempt fails with a zero Retry-After.
    for (let round = 0; round < MAX_BATCHES_PER_RUN; round += 1) {
      const batch = this.readDue();
      delivered += await this.deliverAll(batch);
      if (batch.length < this.batchSize || this.stopped) {
        break;
      }
    }

    return delivered;
  }

  private readDue(): PendingDelivery[] {
    try {
      return this.options.store.dueDeliveries(this.options.clock(), this.batchSize);
    } catch (error) {
      this.options.logger.error('reading the outbox failed', {
        event: 'notification.outbox_read_failed',
        error: describeError(error),
      });
      return [];
    }
  }

  /** Bounded concurrency: `concurrency` workers take deliveries from a shared queue. */
  private async deliverAll(batch: PendingDelivery[]): Promise<number> {
    const queue = [...batch];
    let delivered = 0;

    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        if (await this.deliverOne(next)) {
          delivered += 1;
        }
      }
    };

    await Promise.all(Array.from({ length: Math.min(this.concurrency, batch.length) }, worker));
    return delivered;
  }

  /**
   * Known cost: about 2.4 ms of CPU per Slack message on the benchmark machine (target 1.6 ms).
   * Half of it is the Web API client's own fetch and response handling, most of the rest the
   * fsync of each durable step (attempt recorded, message ref, delivered). Batching the last
   * two into one commit, or a leaner HTTP client, would be the next steps; neither is done.
   */
  private async deliverOne(delivery: PendingDelivery): Promise<boolean> {
    const startedAt = this.options.clock();
    const result = await this.attempt(delivery.episode, startedAt);

    try {
      return this.recordResult(delivery, result, startedAt);
    } catch (error) {
      this.options.logger.error('recording a delivery outcome failed', {
        event: 'notification.record_failed',
        key: delivery.episode.identity.key,
        episode: delivery.episode.id,
        error: describeError(error),
      });
      return false;
    }
  }

  /**
   * Marks a first post as attempted, then hands the delivery to the notifier. The request
   * carries the episode as read before the mark, so the notifier sees whether an EARLIER
   * attempt may have posted. Anything thrown here (a store write, a notifier breaking its
   * contract) is treated like a network error: retried later, never a crash.
   */
  private async attempt(episode: Episode, now: number): Promise<DeliveryResult> {
    try {
      if (episode.message === undefined) {
        this.markPostAttempt(episode, now);
      }

      const request = this.buildRequest(episode, now);

      return await this.options.notifier.deliver(request, (message) =>
        this.recordMessageRef(episode, message),
      );
    } catch (error) {
      return { ok: false, permanent: false, retryAfterMs: undefined, error: describeError(error) };
    }
  }

  /** Throws on a store failure: without a durable mark, a crash after the post could double it. */
  private markPostAttempt(episode: Episode, now: number): void {
    try {
      this.options.store.markPostAttempt(episode.id, now);
    } catch (error) {
      this.options.logger.error('recording the post attempt failed; not posting yet', {
        event: 'notification.record_failed',
        key: episode.identity.key,
        episode: episode.id,
        error: describeError(error),
      });
      throw error;
    }
  }

  private buildRequest(episode: Episode, now: number): DeliveryRequest {
    return {
      episode,
      unposted: episode.timeline.filter((entry) => !entry.posted),
      recentValues: this.options.store.getAlert(episode.identity.key)?.recentValues ?? [],
      chartUrl: this.options.chartUrlFor(episode),
      now,
    };
  }

  /** Throws on a store failure so the notifier stops before thread replies it could double. */
  private recordMessageRef(episode: Episode, message: MessageRef): void {
    try {
      this.options.store.setMessageRef(episode.id, message);
    } catch (error) {
      this.options.logger.error('recording the message ref failed', {
        event: 'notification.record_failed',
        key: episode.identity.key,
        episode: episode.id,
        error: describeError(error),
      });
      throw error;
    }
  }

  private recordResult(
    delivery: PendingDelivery,
    result: DeliveryResult,
    startedAt: number,
  ): boolean {
    const { store, logger, clock } = this.options;
    const { episode } = delivery;
    const now = clock();

    if (result.ok) {
      if (result.message !== undefined && episode.message === undefined) {
        store.setMessageRef(episode.id, result.message);
      }
      store.markDelivered(episode.id, delivery.outboxIds, result.postedSeqs, now);
      logger.info('notification delivered', {
        event: 'notification.delivered',
        key: episode.identity.key,
        episode: episode.id,
        ms: now - startedAt,
      });
      return true;
    }

    const attempts = delivery.attempts + 1;
    if (result.permanent) {
      store.markFailed(delivery.outboxIds, now, result.error, true);
      logger.error('notification failed permanently; not retrying', {
        event: 'notification.failed',
        key: episode.identity.key,
        episode: episode.id,
        attempts,
        error: result.error,
      });
      return false;
    }

    const nextInMs = result.retryAfterMs ?? retryDelayMs(delivery.attempts);
    store.markFailed(delivery.outboxIds, now + nextInMs, result.error, false);
    logger.warn('notification failed; will retry', {
      event: 'notification.retry',
      key: episode.identity.key,
      episode: episode.id,
      attempts,
      nextInMs,
      error: result.error,
    });
    return false;
  }
}
