import path from 'node:path';
import { DaemonHealth } from '../../src/health-state';
import type { CycleReport } from '../../src/poller/cycle';
import { openStore, removeTempDirs, tempDir } from './alerts/helpers';

const report = (failedNodes: string[]): CycleReport => ({
  startedAt: 0,
  nodes: 2,
  requests: 4,
  failedRequests: failedNodes.length * 2,
  failedNodes,
  transitions: 0,
  episodes: [],
  alerts: [],
});

describe('DaemonHealth', () => {
  afterEach(removeTempDirs);

  it('is not ready for Netdata before the first cycle, then follows each cycle', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const health = new DaemonHealth(store);
    expect(health.netdata().ok).toBe(false);

    health.recordCycle(report([]));
    expect(health.netdata()).toEqual({ ok: true, detail: 'last cycle reached 2 node(s)' });

    health.recordCycle(report(['web-1']));
    expect(health.netdata()).toEqual({ ok: false, detail: expect.stringContaining('web-1') });
    store.close();
  });

  it('reports the store as failing once it can no longer be written', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const health = new DaemonHealth(store);
    expect(health.store().ok).toBe(true);

    store.close();
    expect(health.store().ok).toBe(false);
  });

  it('has no Slack check in console mode and the recorded one otherwise', () => {
    const store = openStore(path.join(tempDir(), 'state.sqlite'), () => 0);
    const health = new DaemonHealth(store);
    expect(health.slack()).toBeUndefined();

    health.recordSlack({ ok: true, detail: 'authenticated to Acme' });
    expect(health.slack()).toEqual({ ok: true, detail: 'authenticated to Acme' });
    store.close();
  });
});
