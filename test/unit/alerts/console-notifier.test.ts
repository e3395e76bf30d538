import { Writable } from 'node:stream';
import { ConsoleNotifier } from '../../../src/alerts/console-notifier';
import type { Episode, TimelineEntry } from '../../../src/alerts/types';
import { createLogger } from '../../../src/logging/logger';
import { alertIdentity } from '../../../src/rules/types';

describe('ConsoleNotifier', () => {
  it('logs one line per delivery with the key, the status and the new timeline lines', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const notifier = new ConsoleNotifier(createLogger({ level: 'info', format: 'json', stream }));
    const unposted: TimelineEntry[] = [
      {
        seq: 1,
        at: 0,
        posted: false,
        kind: 'transition',
        from: 'clear',
        to: 'warning',
        value: 85,
        threshold: 80,
      },
      { seq: 2, at: 60_000, posted: false, kind: 'acknowledged', user: 'U1' },
      {
        seq: 3,
        at: 120_000,
        posted: false,
        kind: 'transition',
        from: 'warning',
        to: 'clear',
        value: 50,
        threshold: 75,
      },
    ];
    const episode = {
      id: 'e1',
      identity: alertIdentity('vm', 'cpu', 'system.cpu'),
      ruleTitle: 'CPU utilization',
      units: '%',
      endedAt: 120_000,
      severity: 'clear',
      lastValue: 50,
      acknowledgement: { user: 'U1', at: 60_000 },
    } as Episode;

    const result = await notifier.deliver({
      episode,
      unposted,
      recentValues: [],
      chartUrl: undefined,
      now: 120_000,
    });

    expect(result).toEqual({ ok: true, message: undefined, postedSeqs: [1, 2, 3] });
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'notification.console',
        key: 'vm/cpu/system.cpu',
        status: 'resolved',
        acknowledgedBy: 'U1',
        lines: [
          '1970-01-01T00:00:00.000Z clear -> warning at 85',
          '1970-01-01T00:01:00.000Z acknowledged by U1',
          '1970-01-01T00:02:00.000Z warning -> clear at 50',
        ],
      }),
    ]);
  });
});
