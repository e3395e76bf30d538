import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../logging/logger';

/**
 * The cron expression that fires every `everySeconds`, aligned to the clock so that several
 * bridges poll at the same moments. Only intervals that divide a minute (or an hour, in whole
 * minutes) can be expressed that way; anything else is refused with what would work.
 */
export function cronExpressionFor(everySeconds: number): string {
  if (
    Number.isInteger(everySeconds) &&
    everySeconds >= 1 &&
    everySeconds < 60 &&
    60 % everySeconds === 0
  ) {
    return everySeconds === 1 ? '* * * * * *' : `*/${everySeconds} * * * * *`;
  }

  const minutes = everySeconds / 60;
  if (Number.isInteger(minutes) && minutes >= 1 && minutes <= 60 && 60 % minutes === 0) {
    return minutes === 1 ? '0 * * * * *' : `0 */${minutes} * * * *`;
  }

  throw new RangeError(
    `poll.every: ${everySeconds}s cannot be scheduled evenly; expected a divisor of a minute ` +
      '(1s, 2s, 5s, 10s, 15s, 20s, 30s) or of an hour in whole minutes (1m, 2m, 5m, 10m, 15m, 30m, 60m)',
  );
}

export interface SchedulerOptions {
  everySeconds: number;
  /** One cycle; must not throw (the scheduler logs it if it does, and goes on). */
  runCycle: () => Promise<void>;
  logger: Logger;
}

/**
 * Runs the poll cycle on a node-cron schedule. A tick that comes while a cycle is still running
 * is skipped, never queued, so a slow agent cannot pile cycles up.
 */
export class PollScheduler {
  private task: ScheduledTask | undefined;
  private running: Promise<void> | undefined;
  private everySeconds: number;

  constructor(private readonly options: SchedulerOptions) {
    this.everySeconds = options.everySeconds;
  }

  start(): void {
    const expression = cronExpressionFor(this.everySeconds);
    this.task = cron.schedule(expression, () => this.tick(), { noOverlap: true, name: 'poll' });
  }

  /** Applies a new interval from a config reload; a running cycle is left to finish. */
  reschedule(everySeconds: number): void {
    cronExpressionFor(everySeconds);
    if (everySeconds === this.everySeconds) {
      return;
    }
    this.everySeconds = everySeconds;
    void this.task?.destroy();
    this.start();
  }

  /** Runs a cycle now unless one is running; resolves when it is over. */
  tick(): Promise<void> {
    if (this.running) {
      this.options.logger.warn('previous cycle still running; tick skipped', {
        event: 'cycle.skipped',
      });
      return this.running;
    }

    this.running = this.options
      .runCycle()
      .catch((error: unknown) => {
        this.options.logger.error('cycle failed', { event: 'cycle.failed', error: String(error) });
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops ticking and waits for the cycle in progress, so nothing is left half-written. */
  async stop(): Promise<void> {
    await this.task?.destroy();
    this.task = undefined;
    await this.running;
  }
}
