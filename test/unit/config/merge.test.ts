import { mergeConfig } from '../../../src/config/merge';

describe('mergeConfig', () => {
  it('merges maps key by key at every depth', () => {
    const base = { a: { b: { c: 1, d: 2 }, e: 3 }, f: 4 };

    expect(mergeConfig(base, { a: { b: { c: 10 } } })).toEqual({
      a: { b: { c: 10, d: 2 }, e: 3 },
      f: 4,
    });
  });

  it('replaces lists and single values instead of merging them', () => {
    expect(mergeConfig({ nodes: ['a', 'b'], url: 'x' }, { nodes: ['c'], url: 'y' })).toEqual({
      nodes: ['c'],
      url: 'y',
    });
  });

  it('adds keys the base does not have', () => {
    expect(
      mergeConfig(
        { rules: { cpu: { chart: 'system.cpu' } } },
        { rules: { load: { chart: 'system.load' } } },
      ),
    ).toEqual({
      rules: { cpu: { chart: 'system.cpu' }, load: { chart: 'system.load' } },
    });
  });

  it('leaves both inputs unchanged', () => {
    const base = { a: { b: 1 } };
    const override = { a: { c: [1] } };
    const merged = mergeConfig(base, override) as { a: { c: number[] } };
    merged.a.c.push(2);

    expect(base).toEqual({ a: { b: 1 } });
    expect(override).toEqual({ a: { c: [1] } });
  });

  it('replaces a rule level whole when it changes side, and merges it otherwise', () => {
    const base = { rules: { cpu: { warning: { above: 80, clear_below: 75 } } } };

    expect(
      mergeConfig(base, { rules: { cpu: { warning: { below: 20, clear_above: 25 } } } }),
    ).toEqual({
      rules: { cpu: { warning: { below: 20, clear_above: 25 } } },
    });
    expect(mergeConfig(base, { rules: { cpu: { warning: { clear_below: 70 } } } })).toEqual({
      rules: { cpu: { warning: { above: 80, clear_below: 70 } } },
    });
  });
});
