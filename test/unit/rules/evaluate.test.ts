import { evaluate, type Thresholds } from '../../../src/rules/evaluate';
import { type AlertState, initialState } from '../../../src/rules/types';

const cpu: Thresholds = {
  warning: { direction: 'high', trigger: 80, clear: 75 },
  critical: { direction: 'high', trigger: 90, clear: 85 },
  forSeconds: 0,
  clearForSeconds: 0,
};

const freeMemory: Thresholds = {
  warning: { direction: 'low', trigger: 20, clear: 25 },
  critical: { direction: 'low', trigger: 10, clear: 15 },
  forSeconds: 0,
  clearForSeconds: 0,
};

type Step = [seconds: number, value: number | undefined];

/** Feeds samples in order and lists the transitions as `t:from>to`. */
function transitions(thresholds: Thresholds, steps: Step[], start?: AlertState): string[] {
  let state = start ?? initialState(0);
  const seen: string[] = [];
  for (const [seconds, value] of steps) {
    const result = evaluate(thresholds, { value, at: seconds * 1000 }, state);
    state = result.state;
    if (result.transition) {
      seen.push(`${seconds}:${result.transition.from}>${result.transition.to}`);
    }
  }
  return seen;
}

function finalState(thresholds: Thresholds, steps: Step[]): AlertState {
  let state = initialState(0);
  for (const [seconds, value] of steps) {
    state = evaluate(thresholds, { value, at: seconds * 1000 }, state).state;
  }
  return state;
}

describe('evaluate: high-side rule without hold times', () => {
  it.each<[string, Step[], string[]]>([
    [
      'stays clear below the warning trigger',
      [
        [0, 10],
        [10, 79.9],
        [20, 80],
      ],
      [],
    ],
    [
      'rises through warning to critical',
      [
        [0, 50],
        [10, 85],
        [20, 95],
      ],
      ['10:clear>warning', '20:warning>critical'],
    ],
    [
      'jumps from clear straight to critical',
      [
        [0, 50],
        [10, 99],
      ],
      ['10:clear>critical'],
    ],
    [
      'holds warning inside the hysteresis band',
      [
        [0, 81],
        [10, 79],
        [20, 76],
        [30, 75],
      ],
      ['0:clear>warning'],
    ],
    [
      'clears only below clear_below',
      [
        [0, 81],
        [10, 75],
        [20, 74.9],
      ],
      ['0:clear>warning', '20:warning>clear'],
    ],
    [
      'holds critical inside its band',
      [
        [0, 91],
        [10, 89],
        [20, 85.5],
      ],
      ['0:clear>critical'],
    ],
    [
      'drops from critical to warning inside the warning band',
      [
        [0, 91],
        [10, 84],
      ],
      ['0:clear>critical', '10:critical>warning'],
    ],
    [
      'drops from critical straight to clear',
      [
        [0, 91],
        [10, 40],
      ],
      ['0:clear>critical', '10:critical>clear'],
    ],
    [
      'does not flap around one threshold',
      [
        [0, 81],
        [10, 79],
        [20, 81],
        [30, 79],
        [40, 81],
      ],
      ['0:clear>warning'],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(transitions(cpu, steps)).toEqual(expected);
  });
});

describe('evaluate: hold times', () => {
  const held: Thresholds = { ...cpu, forSeconds: 30, clearForSeconds: 20 };

  it.each<[string, Step[], string[]]>([
    [
      'does not enter before `for` has passed',
      [
        [0, 85],
        [10, 85],
        [20, 85],
      ],
      [],
    ],
    [
      'enters once the breach has held for `for`',
      [
        [0, 85],
        [10, 85],
        [20, 85],
        [30, 85],
      ],
      ['30:clear>warning'],
    ],
    [
      'restarts the hold when the value dips under the trigger',
      [
        [0, 85],
        [20, 70],
        [30, 85],
        [50, 85],
        [60, 85],
      ],
      ['60:clear>warning'],
    ],
    [
      'enters warning first when critical has not held long enough',
      [
        [0, 85],
        [20, 95],
        [30, 95],
        [50, 95],
      ],
      ['30:clear>warning', '50:warning>critical'],
    ],
    [
      'does not leave before `clear_for` has passed',
      [
        [0, 85],
        [30, 85],
        [40, 50],
        [50, 50],
      ],
      ['30:clear>warning'],
    ],
    [
      'leaves once the value has stayed clear for `clear_for`',
      [
        [0, 85],
        [30, 85],
        [40, 50],
        [60, 50],
      ],
      ['30:clear>warning', '60:warning>clear'],
    ],
    [
      'restarts `clear_for` when the value returns into the band',
      [
        [0, 85],
        [30, 85],
        [40, 50],
        [50, 77],
        [60, 50],
        [75, 50],
        [80, 50],
      ],
      ['30:clear>warning', '80:warning>clear'],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(transitions(held, steps)).toEqual(expected);
  });
});

describe('evaluate: missing data', () => {
  it.each<[string, Step[], string[]]>([
    [
      'a gap never clears a critical alert',
      [
        [0, 95],
        [10, undefined],
        [20, undefined],
        [30, undefined],
      ],
      ['0:clear>critical'],
    ],
    [
      'NaN is treated as a gap',
      [
        [0, 95],
        [10, Number.NaN],
        [20, Number.POSITIVE_INFINITY],
      ],
      ['0:clear>critical'],
    ],
    [
      'the alert clears once data returns below clear_below',
      [
        [0, 95],
        [10, undefined],
        [20, 10],
      ],
      ['0:clear>critical', '20:critical>clear'],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(transitions(cpu, steps)).toEqual(expected);
  });

  it('keeps the last value and sample time through a gap', () => {
    const state = finalState(cpu, [
      [0, 95],
      [10, undefined],
    ]);
    expect(state).toMatchObject({ severity: 'critical', lastValue: 95, lastSampleAt: 0 });
  });
});

describe('evaluate: low-side rule', () => {
  it.each<[string, Step[], string[]]>([
    [
      'stays clear above the trigger',
      [
        [0, 50],
        [10, 20],
      ],
      [],
    ],
    [
      'falls through warning to critical',
      [
        [0, 50],
        [10, 19],
        [20, 9],
      ],
      ['10:clear>warning', '20:warning>critical'],
    ],
    [
      'holds inside the band and clears above clear_above',
      [
        [0, 19],
        [10, 24],
        [20, 25],
        [30, 25.1],
      ],
      ['0:clear>warning', '30:warning>clear'],
    ],
    [
      'recovers from critical into warning',
      [
        [0, 5],
        [10, 16],
      ],
      ['0:clear>critical', '10:critical>warning'],
    ],
  ])('%s', (_name, steps, expected) => {
    expect(transitions(freeMemory, steps)).toEqual(expected);
  });
});

describe('evaluate: partial rules and reported transitions', () => {
  it('works with only a critical level', () => {
    const criticalOnly: Thresholds = { ...cpu, warning: undefined };
    expect(
      transitions(criticalOnly, [
        [0, 85],
        [10, 95],
        [20, 80],
      ]),
    ).toEqual(['10:clear>critical', '20:critical>clear']);
  });

  it('reports the trigger going up and the clear level going down', () => {
    const up = evaluate(cpu, { value: 92, at: 1000 }, initialState(0));
    expect(up.transition).toEqual({
      from: 'clear',
      to: 'critical',
      value: 92,
      threshold: 90,
      at: 1000,
    });

    const down = evaluate(cpu, { value: 60, at: 2000 }, up.state);
    expect(down.transition).toEqual({
      from: 'critical',
      to: 'clear',
      value: 60,
      threshold: 85,
      at: 2000,
    });
    expect(down.state).toMatchObject({ severity: 'clear', since: 2000, leavingSince: undefined });
  });

  it('does not mutate the previous state', () => {
    const previous = initialState(0);
    const copy = structuredClone(previous);
    evaluate(cpu, { value: 95, at: 1000 }, previous);
    expect(previous).toEqual(copy);
  });
});
