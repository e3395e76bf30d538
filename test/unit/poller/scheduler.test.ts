import { PollScheduler, cronExpressionFor } from '../../../src/poller/scheduler';
import { createSilentLogger } from '../../../src/logging/logger';

describe('cronExpressionFor', () => {
  it.each<[number, string]>([
    [1, '* * * * * *'],
    [10, '*/10 * * * * *'],
    [30, '*/30 * * * * *'],
    [60, '0 * * * * *'],
    [300, '0 */5 * * * *'],
    [3600, '0 */60 * * * *'],
  ])('schedules every %ss as %s', (seconds, expression) => {
    expect(cronExpressionFor(seconds)).toBe(expression);
  });

  it.each([7, 45, 90, 0.5, 7200])('refuses %ss and names the setting and what works', (seconds) => {
    expect(() => cronExpressionFor(seconds)).toThrow(
      /^poll\.every: .*expected a divisor of a minute/,
    );
  });
});

describe('PollScheduler.tick', () => {
  it('skips a tick while a cycle is still running instead of starting a second one', async () => {
    let release: () => void = () => undefined;
    let started = 0;
    const scheduler = new PollScheduler({
      everySeconds: 10,
      logger: createSilentLogger(),
      runCycle: () => {
        started += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
    });

    const first = scheduler.tick();
    const second = scheduler.tick();
    expect(started).toBe(1);

    release();
    await Promise.all([first, second]);
    const third = scheduler.tick();
    expect(started).toBe(2);
    release();
    await third;
  });

  it('goes on after a cycle that throws', async () => {
    let runs = 0;
    const scheduler = new PollScheduler({
      everySeconds: 10,
      logger: createSilentLogger(),
      runCycle: async () => {
        runs += 1;
        if (runs === 1) {
          throw new Error('boom');
        }
      },
    });

    await scheduler.tick();
    await scheduler.tick();

    expect(runs).toBe(2);
  });

  it('lets the running cycle finish when stopped', async () => {
    let finished = false;
    let release: () => void = () => undefined;
    const scheduler = new PollScheduler({
      everySeconds: 10,
      logger: createSilentLogger(),
      runCycle: () =>
        new Promise<void>((resolve) => {
          release = () => {
            finished = true;
            resolve();
          };
        }),
    });
    scheduler.start();
    void scheduler.tick();

    const stopped = scheduler.stop();
    release();
    await stopped;

    expect(finished).toBe(true);
  });
});
