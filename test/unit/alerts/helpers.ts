import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import type { EvaluatedAlert } from '../../../src/alerts/types';
import type { AlertIdentity, Severity } from '../../../src/rules/types';
import { alertIdentity, initialState } from '../../../src/rules/types';

/** A fresh folder per test under the system temp dir; removed by `removeTempDirs`. */
const created: string[] = [];

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-store-'));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A settable clock, so tests move time by hand and never depend on the wall clock. */
export function manualClock(start = 1_700_000_000_000): {
  now: () => number;
  set: (at: number) => void;
  advance: (ms: number) => void;
} {
  let current = start;
  return {
    now: () => current,
    set: (at) => {
      current = at;
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export function openStore(file: string, clock: () => number): SqliteAlertStore {
  return SqliteAlertStore.open(file, { clock });
}

export const CPU = alertIdentity('web-1', 'cpu', 'system.cpu');
export const SWAP = alertIdentity('web-1', 'swap', 'mem.swap');

/** One cycle's outcome: a sample with no change of severity. */
export function steady(
  identity: AlertIdentity,
  severity: Severity,
  value: number | undefined,
  at: number,
): EvaluatedAlert {
  return {
    identity,
    state: { ...initialState(at), severity, lastValue: value, lastSampleAt: at },
    value,
    transition: undefined,
    ruleTitle: `${identity.rule} title`,
    units: '%',
  };
}

/** One cycle's outcome with a transition `from` → `to` at `value`. */
export function moved(
  identity: AlertIdentity,
  from: Severity,
  to: Severity,
  value: number,
  at: number,
  threshold: number | undefined = to === 'clear' ? 75 : to === 'warning' ? 80 : 90,
): EvaluatedAlert {
  return {
    ...steady(identity, to, value, at),
    transition: { from, to, value, threshold, at },
  };
}
