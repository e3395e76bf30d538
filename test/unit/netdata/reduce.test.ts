import { reduceSample } from '../../../src/netdata/reduce';
import type { ChartSample } from '../../../src/netdata/types';

function sample(values: ChartSample['values'], dimensionIds?: Record<string, string>): ChartSample {
  return { chart: 'test.chart', at: 1796300700, values, dimensionIds };
}

const cpu = sample({ user: 60, system: 20, softirq: 5, irq: 0, guest: 0, iowait: 10 });
const swap = sample({ used: 300, free: 700 });
const net = sample({ received: 1200, sent: 800 }, { InOctets: 'received', OutOctets: 'sent' });

describe('reduceSample', () => {
  it.each<[string, ChartSample, string[], string[] | undefined, number | undefined, string[]]>([
    ['sums the named dimensions', cpu, ['user', 'system', 'softirq'], undefined, 85, []],
    ['sums every dimension when none are named', cpu, [], undefined, 95, []],
    ['names a dimension by its id', net, ['InOctets'], undefined, 1200, []],
    ['mixes names and ids', net, ['received', 'OutOctets'], undefined, 2000, []],
    ['takes a percentage of the named total', swap, ['used'], ['used', 'free'], 30, []],
    ['takes a percentage of every dimension when percentOf is empty', swap, ['used'], [], 30, []],
    [
      'has no value when a named dimension is absent',
      cpu,
      ['user', 'steal'],
      undefined,
      undefined,
      ['steal'],
    ],
    [
      'has no value when a percentOf dimension is absent',
      swap,
      ['used'],
      ['used', 'total'],
      undefined,
      ['total'],
    ],
    ['names each missing dimension once', swap, ['gone'], ['gone', 'free'], undefined, ['gone']],
  ])('%s', (_name, input, dimensions, percentOf, value, missing) => {
    expect(reduceSample(input, dimensions, percentOf)).toEqual({ value, missing });
  });

  it('has no value when the denominator is 0, rather than dividing by it', () => {
    const noSwap = sample({ used: 0, free: 0 });

    expect(reduceSample(noSwap, ['used'], ['used', 'free'])).toEqual({
      value: undefined,
      missing: [],
    });
  });

  it('treats a null gap as missing and never returns a partial sum', () => {
    const gap = sample({ user: 95, system: null });

    expect(reduceSample(gap, ['user', 'system'], undefined)).toEqual({
      value: undefined,
      missing: ['system'],
    });
  });

  it('treats NaN as missing', () => {
    const broken = sample({ user: Number.NaN, system: 1 });

    expect(reduceSample(broken, [], undefined)).toEqual({ value: undefined, missing: ['user'] });
  });

  it('has no value for a sample without any dimension', () => {
    expect(reduceSample(sample({}), [], undefined)).toEqual({ value: undefined, missing: [] });
  });

  it('does not mistake an inherited property for a dimension', () => {
    expect(reduceSample(cpu, ['toString'], undefined)).toEqual({
      value: undefined,
      missing: ['toString'],
    });
  });
});
