import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Notifier } from '../src/alerts/notifier';
import { OutboxSender } from '../src/alerts/sender';
import { SqliteAlertStore } from '../src/alerts/sqlite-store';
import type { EvaluatedAlert } from '../src/alerts/types';
import { createSilentLogger } from '../src/logging/logger';
import type { AlertIdentity, Severity } from '../src/rules/types';
import { alertIdentity, initialState } from '../src/rules/types';

const ALERTS = 1000;
const CYCLES = 50;
/** Every cycle, one alert in this many changes severity (a busy incident, not a calm day). */
const TRANSITION_EVERY = 10;

/** A notifier that accepts everything at once, so the figure is the store's and sender's cost. */
const noopNotifier: Notifier = {
  name: 'noop',
  deliver: async (request, onPosted) => {
    if (request.episode.message === undefined) {
      onPosted({ channel: 'CBENCH', ts: `${request.episode.startedAt}.000001` });
    }
    return { ok: true, message: undefined, postedSeqs: request.unposted.map((entry) => entry.seq) };
  },
};

function evaluated(
  identity: AlertIdentity,
  from: Severity,
  to: Severity,
  value: number,
  at: number,
): EvaluatedAlert {
  return {
    identity,
    state: { ...initialState(at), severity: to, lastValue: value, lastSampleAt: at },
    value,
    transition: from === to ? undefined : { from, to, value, threshold: 80, at },
    ruleTitle: 'CPU utilization',
    units: '%',
  };
}

/** One cycle: every alert gets a sample; a rotating tenth of them flips clear <-> warning. */
function cycleInput(
  identities: AlertIdentity[],
  severities: Severity[],
  cycle: number,
  at: number,
) {
  return identities.map((identity, index) => {
    const from = severities[index] ?? 'clear';
    const flips = (index + cycle) % TRANSITION_EVERY === 0;
    const to: Severity = flips ? (from === 'clear' ? 'warning' : 'clear') : from;
    severities[index] = to;
    return evaluated(identity, from, to, to === 'clear' ? 50 : 85, at);
  });
}

function benchTransitions(store: SqliteAlertStore, clock: { now: number }): number {
  const identities = Array.from({ length: ALERTS }, (_, index) =>
    alertIdentity(`node-${index % 50}`, 'cpu', `system.cpu-${index}`),
  );
  const severities: Severity[] = identities.map(() => 'clear');
  let transitions = 0;

  const started = performance.now();
  for (let cycle = 0; cycle < CYCLES; cycle += 1) {
    clock.now += 10_000;
    const input = cycleInput(identities, severities, cycle, clock.now);
    transitions += input.filter((item) => item.transition !== undefined).length;
    store.applyEvaluations(input);
  }
  const seconds = (performance.now() - started) / 1000;

  console.log(
    `applyEvaluations: ${CYCLES} cycles x ${ALERTS} alerts, ${transitions} transitions in ` +
      `${seconds.toFixed(2)} s: ${(transitions / seconds).toFixed(0)} transitions/s, ` +
      `${((seconds * 1000) / CYCLES).toFixed(1)} ms per cycle`,
  );
  return transitions;
}

async function benchDeliveries(store: SqliteAlertStore, clock: { now: number }): Promise<void> {
  const sender = new OutboxSender({
    store,
    notifier: noopNotifier,
    logger: createSilentLogger(),
    clock: () => clock.now,
    chartUrlFor: () => undefined,
  });
  const depth = store.outboxStats().depth;

  const started = performance.now();
  let delivered = 0;
  // Episodes of one alert go out one per run (in order), so drain until the outbox is empty.
  while (store.outboxStats().depth > 0) {
    delivered += await sender.runOnce();
  }
  const seconds = (performance.now() - started) / 1000;

  console.log(
    `OutboxSender: ${depth} outbox entries in ${delivered} deliveries in ${seconds.toFixed(2)} s: ` +
      `${(delivered / seconds).toFixed(0)} deliveries/s, ${(depth / seconds).toFixed(0)} entries/s`,
  );
  await sender.stop();
}

/** Runs both measurements on a throwaway file and prints the figures. */
export async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-bench-store-'));
  const clock = { now: 1_796_300_000_000 };
  const store = SqliteAlertStore.open(path.join(dir, 'state.sqlite'), { clock: () => clock.now });

  try {
    benchTransitions(store, clock);
    await benchDeliveries(store, clock);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
