import convict from 'convict';

import {
  formatDuration,
  parseDuration,
  parseDurationMs,
  parseDurationSeconds,
  registerDurationFormats,
} from '../../../src/config/duration';

describe('parseDuration', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h', 3600],
    ['30d', 2592000],
    ['500ms', 0.5],
    ['1m30s', 90],
    ['1h0m5s', 3605],
    ['1.5m', 90],
    ['0s', 0],
    [' 10s ', 10],
    ['45', 45],
    ['2.5', 2.5],
    [45, 45],
    [0, 0],
  ])('reads %p as %p seconds', (input, seconds) => {
    expect(parseDuration(input)).toBe(seconds);
  });

  it.each([
    ['ten'],
    [''],
    ['10x'],
    ['1m30'],
    ['5 m'],
    ['m5'],
    ['1y'],
    ['-5s'],
    [-1],
    [Number.NaN],
    [null],
    [true],
    [[10]],
  ])('rejects %p', (input) => {
    expect(parseDurationSeconds(input)).toBeUndefined();
    expect(() => parseDuration(input)).toThrow(/is not a duration; expected e\.g\. 10s, 5m/);
  });

  it('names the value it rejects', () => {
    expect(() => parseDuration('ten')).toThrow('"ten" is not a duration');
  });

  it('converts to whole milliseconds', () => {
    expect(parseDurationMs('1m30s')).toBe(90000);
    expect(parseDurationMs('250ms')).toBe(250);
    expect(parseDurationMs(5)).toBe(5000);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [0.5, '500ms'],
    [30, '30s'],
    [90, '1m30s'],
    [3600, '1h'],
    [2592000, '30d'],
    [93784.005, '1d2h3m4s5ms'],
  ])('writes %p seconds as %p', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });

  it.each([[0.25], [59], [61], [86399], [12345.5]])(
    'writes %p seconds so that it reads back the same',
    (seconds) => {
      expect(parseDuration(formatDuration(seconds))).toBe(seconds);
    },
  );
});

describe('convict duration formats', () => {
  registerDurationFormats();

  function load(format: string, value: unknown): () => void {
    return () =>
      convict({ every: { doc: 'test', format, default: '1s' } }, { env: {}, args: [] })
        .load({ every: value })
        .validate({ allowed: 'strict' });
  }

  it('accepts durations and rejects other text', () => {
    expect(load('duration', '1m30s')).not.toThrow();
    expect(load('duration', '0s')).not.toThrow();
    expect(load('duration', 'soon')).toThrow('"soon" is not a duration');
  });

  it('rejects zero where a positive duration is needed', () => {
    expect(load('positive-duration', '0s')).toThrow('expected a positive duration');
    expect(load('positive-duration', '10s')).not.toThrow();
  });
});
