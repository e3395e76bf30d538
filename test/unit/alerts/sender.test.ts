import path from 'node:path';
import { PassThrough } from 'node:stream';

import type { DeliveryResult, Notifier } from '../../../src/alerts/notifier';
import { OutboxSender } from '../../../src/alerts/sender';
import type { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import type { Logger } from '../../../src/logging/logger';
import { createLogger } from '../../../src/logging/logger';
import { RecordingNotifier } from './fake-notifier';
import { CPU, SWAP, manualClock, moved, openStore, removeTempDirs, tempDir } from './helpers';

afterEach(removeTempDirs);

/** A JSON logger whose lines the test reads back as objects. */
function capturedLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const logger = createLogger({ level: 'debug', format: 'json', stream });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

function setup(notifier: Notifier = new RecordingNotifier(), concurrency?: number) {
  const file = path.join(tempDir(), 'state.sqlite');
  const clock = manualClock();
  const store = openStore(file, clock.now);
  const log = capturedLogger();
  const sender = makeSender(store, notifier, clock.now, log.logger, concurrency);
  return { file, clock, store, sender, log };
}

function makeSender(
  store: SqliteAlertStore,
  notifier: Notifier,
  clock: () => number,
  logger: Logger,
  concurrency?: number,
): OutboxSender {
  return new OutboxSender({
    store,
    notifier,
    logger,
    clock,
    chartUrlFor: (episode) => `http://netdata.test/#${episode.identity.instance}`,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
}

describe('OutboxSender post attempts', () => {
  it('records the attempt before the first post and hands over the earlier value', async () => {
    const { clock, store } = setup();
    const seen: { request: unknown; stored: unknown }[] = [];
    const notifier: Notifier = {
      name: 'inspecting',
      deliver: async (request) => {
        seen.push({
          request: request.episode.postAttemptedAt,
          stored: store.getEpisode(request.episode.id)?.postAttemptedAt,
        });
        return { ok: false, permanent: false, retryAfterMs: undefined, error: 'timeout' };
      },
    };
    const sender = makeSender(store, notifier, clock.now, capturedLogger().logger);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    const firstAt = clock.now();

    await sender.runOnce();
    clock.advance(1000);
    await sender.runOnce();

    expect(seen).toEqual([
      { request: undefined, stored: firstAt },
      { request: firstAt, stored: firstAt },
    ]);
    store.close();
  });

  it('records no attempt for a delivery whose message is already known', async () => {
    const { store, sender } = setup();
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    await sender.runOnce();
    const mark = jest.spyOn(store, 'markPostAttempt');
    store.applyEvaluations([moved(CPU, 'warning', 'critical', 95, 2000)]);

    expect(await sender.runOnce()).toBe(1);

    expect(mark).not.toHaveBeenCalled();
    expect(store.getEpisode(episode?.id ?? '')?.message).toBeDefined();
    store.close();
  });

  it('retries later without posting when the attempt cannot be recorded', async () => {
    const notifier = new RecordingNotifier();
    const { clock, store, sender, log } = setup(notifier);
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    jest.spyOn(store, 'markPostAttempt').mockImplementationOnce(() => {
      throw new Error('disk I/O error');
    });

    await expect(sender.runOnce()).resolves.toBe(0);

    expect(notifier.requests).toHaveLength(0);
    expect(store.outboxStats().depth).toBe(1);
    expect(log.lines()).toContainEqual(
      expect.objectContaining({
        level: 'error',
        event: 'notification.record_failed',
        key: CPU.key,
        episode: episode?.id,
        error: 'disk I/O error',
      }),
    );
    expect(log.lines().find((line) => line.event === 'notification.retry')).toMatchObject({
      key: CPU.key,
      nextInMs: 1000,
      error: 'disk I/O error',
    });

    clock.advance(1000);
    expect(await sender.runOnce()).toBe(1);
    expect(notifier.requests).toHaveLength(1);
    expect(notifier.requests[0]?.episode.postAttemptedAt).toBeUndefined();
    expect(store.getEpisode(episode?.id ?? '')?.postAttemptedAt).toBe(clock.now());
    store.close();
  });
});

describe('OutboxSender delivery', () => {
  it('delivers a transition with its chart link and recent values, then marks it done', async () => {
    const notifier = new RecordingNotifier();
    const { store, sender } = setup(notifier);
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    expect(await sender.runOnce()).toBe(1);

    expect(notifier.requests).toHaveLength(1);
    expect(notifier.requests[0]).toMatchObject({
      chartUrl: 'http://netdata.test/#system.cpu',
      recentValues: [82],
      unposted: [{ kind: 'transition', to: 'warning', seq: 1 }],
    });
    expect(store.outboxStats().depth).toBe(0);
    expect(store.getEpisode(episode?.id ?? '')?.timeline[0]?.posted).toBe(true);
    expect(await sender.runOnce()).toBe(0);
    store.close();
  });

  it('records the message ref the moment the notifier reports the post', async () => {
    const { clock, store, sender } = setup();
    const seen: unknown[] = [];
    const notifier: Notifier = {
      name: 'inspecting',
      deliver: async (request, onPosted) => {
        onPosted({ channel: 'C9', ts: '9.9' });
        seen.push(store.getEpisode(request.episode.id)?.message);
        return { ok: false, permanent: false, retryAfterMs: undefined, error: 'thread failed' };
      },
    };
    const inspecting = makeSender(store, notifier, clock.now, capturedLogger().logger);
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    await inspecting.runOnce();

    expect(seen).toEqual([{ channel: 'C9', ts: '9.9' }]);
    expect(store.getEpisode(episode?.id ?? '')?.message).toEqual({ channel: 'C9', ts: '9.9' });
    await sender.stop();
    store.close();
  });

  it('after an outage delivers fire, clear and fire again as two updates, in order', async () => {
    const notifier = new RecordingNotifier();
    const { clock, store, sender } = setup(notifier);
    notifier.behave({ kind: 'transient' });
    const [first] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    await sender.runOnce();
    store.applyEvaluations([moved(CPU, 'warning', 'clear', 60, 2000)]);
    const [second] = store.applyEvaluations([moved(CPU, 'clear', 'critical', 97, 3000)]);
    clock.advance(10_000);
    await sender.runOnce();

    notifier.behave({ kind: 'ok' });
    clock.advance(10 * 60_000);
    await sender.runOnce();
    await sender.runOnce();

    expect(notifier.delivered.map((request) => request.episode.id)).toEqual([
      first?.id,
      second?.id,
    ]);
    expect(notifier.delivered[0]?.episode).toMatchObject({
      endedAt: 2000,
      peakSeverity: 'warning',
    });
    expect(notifier.delivered[0]?.unposted.map((entry) => entry.seq)).toEqual([1, 2]);
    expect(notifier.delivered[1]?.unposted.map((entry) => entry.seq)).toEqual([1]);
    expect(store.outboxStats().depth).toBe(0);
    store.close();
  });

  it('holds a delivery until the Retry-After the notifier reported has passed', async () => {
    const notifier = new RecordingNotifier();
    const { clock, store, sender } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    notifier.behave({ kind: 'transient', retryAfterMs: 30_000 });
    const failedAt = clock.now();
    await sender.runOnce();
    notifier.behave({ kind: 'ok' });

    clock.set(failedAt + 29_999);
    expect(await sender.runOnce()).toBe(0);

    clock.set(failedAt + 30_000);
    expect(await sender.runOnce()).toBe(1);
    expect(notifier.requests).toHaveLength(2);
    store.close();
  });

  it('waits twice as long after each transient failure', async () => {
    const notifier = new RecordingNotifier();
    const { clock, store, sender, log } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    notifier.behave({ kind: 'transient' });

    for (const wait of [1000, 2000, 4000]) {
      await sender.runOnce();
      clock.advance(wait - 1);
      expect(await sender.runOnce()).toBe(0);
      clock.advance(1);
    }
    await sender.runOnce();

    const retries = log.lines().filter((line) => line.event === 'notification.retry');
    expect(retries.map((line) => [line.attempts, line.nextInMs])).toEqual([
      [1, 1000],
      [2, 2000],
      [3, 4000],
      [4, 8000],
    ]);
    expect(retries[0]).toMatchObject({ level: 'warn', key: CPU.key, error: 'ratelimited' });
    store.close();
  });

  it('stops retrying an episode after a permanent error while other episodes deliver', async () => {
    const notifier = new RecordingNotifier();
    const { clock, store, sender, log } = setup(notifier);
    const [broken] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    notifier.behaveFor(broken?.id ?? '', { kind: 'permanent' });
    const [healthy] = store.applyEvaluations([moved(SWAP, 'clear', 'warning', 91, 1000)]);

    expect(await sender.runOnce()).toBe(1);
    clock.advance(60 * 60_000);
    expect(await sender.runOnce()).toBe(0);

    expect(notifier.requests.map((request) => request.episode.id).sort()).toEqual(
      [broken?.id, healthy?.id].sort(),
    );
    expect(log.lines().filter((line) => line.event === 'notification.failed')).toEqual([
      expect.objectContaining({ level: 'error', key: CPU.key, error: 'channel_not_found' }),
    ]);
    expect(store.outboxStats().depth).toBe(0);
    store.close();
  });

  it('treats a notifier that throws as a transient failure and never rejects', async () => {
    const notifier = new RecordingNotifier();
    const { clock, store, sender, log } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    notifier.behave({ kind: 'throw' });

    await expect(sender.runOnce()).resolves.toBe(0);

    expect(log.lines().find((line) => line.event === 'notification.retry')).toMatchObject({
      error: 'socket hang up',
    });
    notifier.behave({ kind: 'ok' });
    clock.advance(1000);
    expect(await sender.runOnce()).toBe(1);
    store.close();
  });

  it('logs each delivery with the alert key and episode', async () => {
    const { store, sender, log } = setup();
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    await sender.runOnce();

    expect(log.lines()).toContainEqual(
      expect.objectContaining({
        level: 'info',
        event: 'notification.delivered',
        key: CPU.key,
        episode: episode?.id,
        ms: 0,
      }),
    );
    store.close();
  });

  it('resumes after a restart from what the store remembers', async () => {
    const notifier = new RecordingNotifier();
    const { file, clock, store, sender } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    notifier.behave({ kind: 'transient' });
    await sender.runOnce();
    await sender.stop();
    store.close();

    const reopened = openStore(file, clock.now);
    const fresh = new RecordingNotifier();
    const restarted = makeSender(reopened, fresh, clock.now, capturedLogger().logger);
    expect(await restarted.runOnce()).toBe(0);
    clock.advance(1000);

    expect(await restarted.runOnce()).toBe(1);
    expect(fresh.delivered[0]?.unposted.map((entry) => entry.seq)).toEqual([1]);
    reopened.close();
  });
});

/** A notifier whose deliveries stay in flight until the test releases them. */
class GatedNotifier implements Notifier {
  readonly name = 'gated';
  inFlight = 0;
  maxInFlight = 0;
  started = 0;
  private readonly waiting: Array<() => void> = [];
  private onStart: (() => void) | undefined;

  deliver(): Promise<DeliveryResult> {
    this.started += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.onStart?.();
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.inFlight -= 1;
        resolve({ ok: true, message: { channel: 'C1', ts: '1.1' }, postedSeqs: [] });
      });
    });
  }

  /** Resolves once `count` deliveries have started in total. */
  startedCount(count: number): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (this.started >= count) {
          this.onStart = undefined;
          resolve();
        }
      };
      this.onStart = check;
      check();
    });
  }

  releaseAll(): void {
    for (const release of this.waiting.splice(0)) {
      release();
    }
  }
}

describe('OutboxSender scheduling', () => {
  it('keeps at most `concurrency` deliveries in flight', async () => {
    const notifier = new GatedNotifier();
    const { store, sender } = setup(notifier, 2);
    for (let index = 0; index < 5; index += 1) {
      const identity = { ...CPU, key: `web-${index}/cpu/system.cpu`, node: `web-${index}` };
      store.applyEvaluations([moved(identity, 'clear', 'warning', 82, 1000)]);
    }

    const run = sender.runOnce();
    for (let started = 2; started <= 5; started += 1) {
      await notifier.startedCount(started);
      expect(notifier.inFlight).toBeLessThanOrEqual(2);
      notifier.releaseAll();
    }

    expect(await run).toBe(5);
    expect(notifier.maxInFlight).toBe(2);
    store.close();
  });

  it('joins the run in flight instead of starting a second one', async () => {
    const notifier = new GatedNotifier();
    const { store, sender } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    const first = sender.runOnce();
    const second = sender.runOnce();
    await notifier.startedCount(1);
    notifier.releaseAll();

    expect(await first).toBe(1);
    expect(await second).toBe(1);
    expect(notifier.started).toBe(1);
    await sender.stop();
    store.close();
  });

  it('waits for the run in flight when stopped', async () => {
    const notifier = new GatedNotifier();
    const { store, sender } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    const run = sender.runOnce();
    await notifier.startedCount(1);

    let stopped = false;
    const stopping = sender.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);

    notifier.releaseAll();
    await stopping;
    expect(stopped).toBe(true);
    expect(await run).toBe(1);
    store.close();
  });

  it('delivers soon after a kick without waiting for the timer', async () => {
    const notifier = new GatedNotifier();
    const { store, sender } = setup(notifier);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    sender.kick();
    await notifier.startedCount(1);
    notifier.releaseAll();
    await sender.stop();

    expect(store.outboxStats().depth).toBe(0);
    store.close();
  });
});
