import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/config/errors';
import type { BridgeConfig } from '../../src/config/types';
import { createLogger } from '../../src/logging/logger';
import { applyReload } from '../../src/reload';
import { alertIdentity } from '../../src/rules/types';
import { moved, openStore, removeTempDirs, tempDir } from './alerts/helpers';

function capture(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

describe('applyReload', () => {
  const current = loadConfig({ env: {} });
  const withoutSwap = (): BridgeConfig => ({
    ...current,
    poll: { everySeconds: 5 },
    rules: current.rules.map((rule) => (rule.id === 'swap' ? { ...rule, enabled: false } : rule)),
  });

  afterEach(removeTempDirs);

  it('returns the new rules and schedule, keeping settings that are read at start only', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const { logger, lines } = capture();
    const next = { ...withoutSwap(), http: { host: '127.0.0.1', port: 9999 } };

    const applied = applyReload({ current, load: () => next, store, logger, now: 0 });

    expect(applied?.poll.everySeconds).toBe(5);
    expect(applied?.rules.find((rule) => rule.id === 'swap')?.enabled).toBe(false);
    expect(applied?.http).toEqual(current.http);
    expect(lines.map((line) => line.event)).toEqual(['config.restart_needed', 'config.reloaded']);
    store.close();
  });

  it('closes the open episode of an alert whose rule was switched off, with the reason', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const swap = alertIdentity('vm', 'swap', 'system.swap');
    const cpu = alertIdentity('vm', 'cpu', 'system.cpu');
    store.applyEvaluations([
      moved(swap, 'clear', 'warning', 85, 0),
      moved(cpu, 'clear', 'warning', 85, 0),
    ]);
    const { logger, lines } = capture();

    applyReload({ current, load: withoutSwap, store, logger, now: 1000 });

    expect(store.getAlert(swap.key)).toBeUndefined();
    expect(store.getAlert(cpu.key)?.state.severity).toBe('warning');
    const removed = lines.find((line) => line.event === 'alert.rule_removed');
    expect(removed).toMatchObject({ key: swap.key, rule: 'swap' });
    const episode = store.getEpisode(String(removed?.episode));
    expect(episode?.endedAt).toBe(1000);
    expect(episode?.timeline.map((entry) => entry.kind)).toEqual(['transition', 'rule_removed']);
    store.close();
  });

  it('refuses an invalid file, says why, and changes nothing', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const cpu = alertIdentity('vm', 'cpu', 'system.cpu');
    store.applyEvaluations([moved(cpu, 'clear', 'warning', 85, 0)]);
    const { logger, lines } = capture();
    const load = (): BridgeConfig => {
      throw new ConfigError(['rules.cpu.warning.above: "x" is not a number; expected a number']);
    };

    const applied = applyReload({ current, load, store, logger, now: 0 });

    expect(applied).toBeUndefined();
    expect(store.getAlert(cpu.key)?.state.severity).toBe('warning');
    expect(lines).toEqual([
      expect.objectContaining({
        event: 'config.reload_refused',
        level: 'error',
        message: expect.stringContaining('rules.cpu.warning.above: "x" is not a number'),
      }),
    ]);
    store.close();
  });

  it('refuses a poll interval that cannot be scheduled', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const { logger, lines } = capture();

    const applied = applyReload({
      current,
      load: () => ({ ...current, poll: { everySeconds: 45 } }),
      store,
      logger,
      now: 0,
    });

    expect(applied).toBeUndefined();
    expect(lines[0]?.message).toEqual(expect.stringContaining('poll.every: 45s'));
    store.close();
  });
});
