import path from 'node:path';

import Database from 'better-sqlite3';

import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import { RECENT_VALUES } from '../../../src/alerts/types';
import {
  CPU,
  SWAP,
  manualClock,
  moved,
  openStore,
  removeTempDirs,
  steady,
  tempDir,
} from './helpers';

afterEach(removeTempDirs);

function setup() {
  const file = path.join(tempDir(), 'state.sqlite');
  const clock = manualClock();
  const store = openStore(file, clock.now);
  return { file, clock, store };
}

describe('SqliteAlertStore episodes', () => {
  it('opens an episode on warning, raises it to critical and ends it on clear', () => {
    const { store } = setup();

    const [opened] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    expect(opened).toMatchObject({
      identity: CPU,
      ruleTitle: 'cpu title',
      units: '%',
      startedAt: 1000,
      endedAt: undefined,
      severity: 'warning',
      peakSeverity: 'warning',
      lastValue: 82,
      threshold: 80,
    });
    expect(store.getAlert(CPU.key)?.episodeId).toBe(opened?.id);

    const [raised] = store.applyEvaluations([moved(CPU, 'warning', 'critical', 95, 2000)]);
    expect(raised).toMatchObject({
      id: opened?.id,
      severity: 'critical',
      peakSeverity: 'critical',
    });

    const [ended] = store.applyEvaluations([moved(CPU, 'critical', 'clear', 60, 3000)]);
    expect(ended).toMatchObject({
      id: opened?.id,
      endedAt: 3000,
      severity: 'clear',
      peakSeverity: 'critical',
      lastValue: 60,
      threshold: 75,
    });
    expect(store.getAlert(CPU.key)?.episodeId).toBeUndefined();
    store.close();
  });

  it('keeps the timeline in order with one outbox entry per transition', () => {
    const { store } = setup();

    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.applyEvaluations([moved(CPU, 'warning', 'critical', 95, 2000)]);
    const [episode] = store.applyEvaluations([moved(CPU, 'critical', 'clear', 60, 3000)]);

    expect(episode?.timeline).toEqual([
      {
        kind: 'transition',
        from: 'clear',
        to: 'warning',
        value: 82,
        threshold: 80,
        seq: 1,
        at: 1000,
        posted: false,
      },
      {
        kind: 'transition',
        from: 'warning',
        to: 'critical',
        value: 95,
        threshold: 90,
        seq: 2,
        at: 2000,
        posted: false,
      },
      {
        kind: 'transition',
        from: 'critical',
        to: 'clear',
        value: 60,
        threshold: 75,
        seq: 3,
        at: 3000,
        posted: false,
      },
    ]);
    expect(store.outboxStats().depth).toBe(3);
    store.close();
  });

  it('starts a new episode when the alert fires again after clearing', () => {
    const { store } = setup();

    const [first] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.applyEvaluations([moved(CPU, 'warning', 'clear', 60, 2000)]);
    const [second] = store.applyEvaluations([moved(CPU, 'clear', 'critical', 97, 3000)]);

    expect(second?.id).not.toBe(first?.id);
    expect(second).toMatchObject({ startedAt: 3000, severity: 'critical', endedAt: undefined });
    expect(store.getEpisode(first?.id ?? '')?.endedAt).toBe(2000);
    store.close();
  });

  it('opens an episode for a transition that finds none open instead of throwing', () => {
    const { store } = setup();
    store.applyEvaluations([steady(CPU, 'warning', 85, 1000)]);

    const [episode] = store.applyEvaluations([moved(CPU, 'warning', 'critical', 95, 2000)]);

    expect(episode).toMatchObject({
      severity: 'critical',
      peakSeverity: 'critical',
      startedAt: 2000,
    });
    expect(store.getAlert(CPU.key)?.episodeId).toBe(episode?.id);
    store.close();
  });

  it('keeps the last RECENT_VALUES sample values and skips cycles without a value', () => {
    const { store } = setup();

    for (let cycle = 0; cycle < RECENT_VALUES + 5; cycle += 1) {
      store.applyEvaluations([steady(CPU, 'clear', cycle, cycle * 1000)]);
    }
    store.applyEvaluations([steady(CPU, 'clear', undefined, 99_000)]);

    const values = store.getAlert(CPU.key)?.recentValues;
    expect(values).toHaveLength(RECENT_VALUES);
    expect(values?.[0]).toBe(5);
    expect(values?.at(-1)).toBe(RECENT_VALUES + 4);
    store.close();
  });

  it('writes nothing of a cycle when the outbox insert fails', () => {
    const { file, store } = setup();
    store.applyEvaluations([steady(CPU, 'clear', 10, 500), steady(SWAP, 'clear', 1, 500)]);
    const saboteur = new Database(file);
    saboteur.exec(`CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox
      BEGIN SELECT RAISE(ABORT, 'outbox full'); END`);

    expect(() =>
      store.applyEvaluations([
        steady(SWAP, 'clear', 2, 1000),
        moved(CPU, 'clear', 'warning', 82, 1000),
      ]),
    ).toThrow('outbox full');

    expect(store.getAlert(CPU.key)?.state.severity).toBe('clear');
    expect(store.getAlert(CPU.key)?.episodeId).toBeUndefined();
    expect(store.getAlert(SWAP.key)?.recentValues).toEqual([1]);
    expect(saboteur.prepare('SELECT COUNT(*) AS n FROM episodes').get()).toEqual({ n: 0 });
    expect(saboteur.prepare('SELECT COUNT(*) AS n FROM timeline').get()).toEqual({ n: 0 });
    saboteur.close();
    store.close();
  });

  it('finds every alert, episode, timeline line and outbox entry again after a restart', () => {
    const { file, clock, store } = setup();
    store.applyEvaluations([
      moved(CPU, 'clear', 'critical', 95, 1000),
      steady(SWAP, 'clear', 3, 1000),
    ]);
    const episodeId = store.getAlert(CPU.key)?.episodeId ?? '';
    store.acknowledge(episodeId, 'U1', 1500);
    store.setMessageRef(episodeId, { channel: 'C1', ts: '1.2' });
    const before = { alerts: store.listAlerts(), episode: store.getEpisode(episodeId) };
    store.close();

    const reopened = openStore(file, clock.now);

    expect(reopened.listAlerts()).toEqual(before.alerts);
    expect(reopened.getEpisode(episodeId)).toEqual(before.episode);
    expect(reopened.getEpisode(episodeId)?.acknowledgement).toEqual({ user: 'U1', at: 1500 });
    expect(reopened.outboxStats()).toEqual({ depth: 2, oldestAt: clock.now() });
    reopened.close();
  });
});

describe('SqliteAlertStore post attempts', () => {
  it('opens an episode with no post attempt recorded', () => {
    const { store } = setup();

    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    expect(episode?.postAttemptedAt).toBeUndefined();
    expect(store.dueDeliveries(Number.MAX_SAFE_INTEGER, 1)[0]?.episode.postAttemptedAt).toBe(
      undefined,
    );
    store.close();
  });

  it('keeps the first attempt time when the post is attempted again, across a restart', () => {
    const { file, clock, store } = setup();
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    const id = episode?.id ?? '';

    store.markPostAttempt(id, 2000);
    store.markPostAttempt(id, 3000);
    store.close();

    const reopened = openStore(file, clock.now);
    expect(reopened.getEpisode(id)?.postAttemptedAt).toBe(2000);
    reopened.markPostAttempt(id, 4000);
    expect(reopened.getEpisode(id)?.postAttemptedAt).toBe(2000);
    reopened.close();
  });

  it('marks only the episode it names', () => {
    const { store } = setup();
    const [cpu, swap] = store.applyEvaluations([
      moved(CPU, 'clear', 'warning', 82, 1000),
      moved(SWAP, 'clear', 'warning', 91, 1000),
    ]);

    store.markPostAttempt(cpu?.id ?? '', 2000);

    expect(store.getEpisode(cpu?.id ?? '')?.postAttemptedAt).toBe(2000);
    expect(store.getEpisode(swap?.id ?? '')?.postAttemptedAt).toBeUndefined();
    store.close();
  });
});

describe('SqliteAlertStore acknowledgements', () => {
  function openEpisode() {
    const context = setup();
    const [episode] = context.store.applyEvaluations([moved(CPU, 'clear', 'critical', 95, 1000)]);
    return { ...context, episodeId: episode?.id ?? '' };
  }

  it('records an acknowledgement once when the same person clicks twice', () => {
    const { store, episodeId } = openEpisode();

    const first = store.acknowledge(episodeId, 'U1', 2000);
    const second = store.acknowledge(episodeId, 'U1', 2100);

    expect(first.outcome).toBe('acknowledged');
    expect(second.outcome).toBe('unchanged');
    const episode = store.getEpisode(episodeId);
    expect(episode?.acknowledgement).toEqual({ user: 'U1', at: 2000 });
    expect(episode?.timeline.filter((entry) => entry.kind === 'acknowledged')).toHaveLength(1);
    expect(store.outboxStats().depth).toBe(2);
    store.close();
  });

  it('keeps the first of two people acknowledging through two connections', () => {
    const { file, clock, store, episodeId } = openEpisode();
    const other = openStore(file, clock.now);

    const alice = store.acknowledge(episodeId, 'U_ALICE', 2000);
    const bob = other.acknowledge(episodeId, 'U_BOB', 2000);

    expect(alice.outcome).toBe('acknowledged');
    expect(bob).toMatchObject({
      outcome: 'unchanged',
      episode: { acknowledgement: { user: 'U_ALICE' } },
    });
    other.close();
    store.close();
  });

  it('unacknowledges once and records who did it', () => {
    const { store, episodeId } = openEpisode();
    store.acknowledge(episodeId, 'U1', 2000);

    const first = store.unacknowledge(episodeId, 'U2', 3000);
    const second = store.unacknowledge(episodeId, 'U2', 3001);

    expect(first).toMatchObject({
      outcome: 'unacknowledged',
      episode: { acknowledgement: undefined },
    });
    expect(second.outcome).toBe('unchanged');
    expect(store.getEpisode(episodeId)?.timeline.at(-1)).toMatchObject({
      kind: 'unacknowledged',
      user: 'U2',
      at: 3000,
    });
    store.close();
  });

  it('leaves an ended episode unchanged and reports unknown episodes', () => {
    const { store, episodeId } = openEpisode();
    store.applyEvaluations([moved(CPU, 'critical', 'clear', 50, 2000)]);
    const depth = store.outboxStats().depth;

    expect(store.acknowledge(episodeId, 'U1', 3000)).toMatchObject({
      outcome: 'unchanged',
      episode: { acknowledgement: undefined },
    });
    expect(store.acknowledge('no-such-episode', 'U1', 3000)).toEqual({ outcome: 'not_found' });
    expect(store.outboxStats().depth).toBe(depth);
    store.close();
  });
});

describe('SqliteAlertStore housekeeping', () => {
  it('closes the open episode of a removed rule and forgets the alert', () => {
    const { store } = setup();
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);

    const closed = store.closeForRemovedRule(CPU.key, 5000);

    expect(closed).toMatchObject({ id: episode?.id, endedAt: 5000 });
    expect(closed?.timeline.at(-1)).toMatchObject({ kind: 'rule_removed', at: 5000, seq: 2 });
    expect(store.getAlert(CPU.key)).toBeUndefined();
    expect(store.outboxStats().depth).toBe(2);
    expect(store.closeForRemovedRule(CPU.key, 6000)).toBeUndefined();
    store.close();
  });

  it('prunes ended, delivered episodes and keeps open or undelivered ones', () => {
    const { store } = setup();
    const [delivered] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.applyEvaluations([moved(CPU, 'warning', 'clear', 60, 2000)]);
    const [undelivered] = store.applyEvaluations([moved(SWAP, 'clear', 'warning', 91, 1000)]);
    store.applyEvaluations([moved(SWAP, 'warning', 'clear', 70, 2000)]);
    const [open] = store.applyEvaluations([moved(CPU, 'clear', 'critical', 95, 2500)]);
    for (const due of store.dueDeliveries(Number.MAX_SAFE_INTEGER, 10)) {
      if (due.episode.id === delivered?.id) {
        store.markDelivered(due.episode.id, due.outboxIds, [1, 2], 3000);
      }
    }

    expect(store.prune(10_000)).toBe(1);

    expect(store.getEpisode(delivered?.id ?? '')).toBeUndefined();
    expect(store.getEpisode(undelivered?.id ?? '')).toBeDefined();
    expect(store.getEpisode(open?.id ?? '')).toBeDefined();
    expect(store.prune(10_000)).toBe(0);
    store.close();
  });

  it('reports it is writable while open and throws a StoreError once closed', () => {
    const { store } = setup();

    expect(() => store.checkWritable()).not.toThrow();

    store.close();
    expect(() => store.checkWritable()).toThrow(/state\.path .*cannot be written/);
  });
});

describe('SqliteAlertStore due deliveries', () => {
  it('covers every waiting entry of an episode in one delivery', () => {
    const { store } = setup();
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.applyEvaluations([moved(CPU, 'warning', 'critical', 95, 2000)]);

    const due = store.dueDeliveries(Number.MAX_SAFE_INTEGER, 10);

    expect(due).toHaveLength(1);
    expect(due[0]?.outboxIds).toHaveLength(2);
    expect(due[0]?.episode.timeline.map((entry) => entry.seq)).toEqual([1, 2]);
    store.close();
  });

  it('holds back a later episode of an alert until the earlier one is delivered', () => {
    const { clock, store } = setup();
    const [first] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.applyEvaluations([moved(CPU, 'warning', 'clear', 60, 2000)]);
    const [second] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 85, 3000)]);
    const [other] = store.applyEvaluations([moved(SWAP, 'clear', 'warning', 91, 3000)]);
    const firstIds = store.dueDeliveries(clock.now(), 10)[0]?.outboxIds ?? [];
    store.markFailed(firstIds, clock.now() + 60_000, 'timeout', false);

    expect(store.dueDeliveries(clock.now(), 10).map((due) => due.episode.id)).toEqual([other?.id]);

    store.markDelivered(first?.id ?? '', firstIds, [1, 2], clock.now());
    expect(store.dueDeliveries(clock.now(), 10).map((due) => due.episode.id)).toEqual([
      second?.id,
      other?.id,
    ]);
    store.close();
  });

  it('lets a later episode go once the earlier one failed permanently', () => {
    const { clock, store } = setup();
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.applyEvaluations([moved(CPU, 'warning', 'clear', 60, 2000)]);
    const [second] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 85, 3000)]);
    const firstIds = store.dueDeliveries(clock.now(), 10)[0]?.outboxIds ?? [];

    store.markFailed(firstIds, clock.now(), 'channel_not_found', true);

    expect(store.dueDeliveries(clock.now(), 10).map((due) => due.episode.id)).toEqual([second?.id]);
    expect(store.outboxStats().depth).toBe(1);
    store.close();
  });

  it('makes a new entry wait for the retry time already set for its episode', () => {
    const { clock, store } = setup();
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    const ids = store.dueDeliveries(clock.now(), 10)[0]?.outboxIds ?? [];
    store.markFailed(ids, clock.now() + 30_000, 'ratelimited', false);

    store.applyEvaluations([moved(CPU, 'warning', 'critical', 95, 2000)]);

    expect(store.dueDeliveries(clock.now() + 29_999, 10)).toEqual([]);
    expect(store.dueDeliveries(clock.now() + 30_000, 10)[0]).toMatchObject({ attempts: 1 });
    store.close();
  });

  it('respects the limit and returns the oldest episodes first', () => {
    const { store } = setup();
    const [older] = store.applyEvaluations([moved(SWAP, 'clear', 'warning', 91, 1000)]);
    store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 2000)]);

    const due = store.dueDeliveries(Number.MAX_SAFE_INTEGER, 1);

    expect(due.map((item) => item.episode.id)).toEqual([older?.id]);
    store.close();
  });
});

it('is reachable through SqliteAlertStore.open with no options', () => {
  const store = SqliteAlertStore.open(path.join(tempDir(), 'nested', 'deeper', 'state.sqlite'));
  expect(store.listAlerts()).toEqual([]);
  store.close();
});
