import type { ChartSample } from './types';

export interface Reduction {
  /** Undefined when any dimension needed was missing or a gap, or the denominator was 0. */
  value: number | undefined;
  /** Dimensions asked for that the sample lacked or held as null/NaN, each named once. */
  missing: string[];
}

/**
 * Reduces one chart sample to the single number a rule compares: the sum of `dimensions` (every
 * dimension of the sample when the list is empty), or with `percentOf` that sum as a percentage
 * of the sum of `percentOf` (again every dimension when empty). Dimensions may be named by name
 * or by id (`system.net`: `received` or `InOctets`).
 *
 * A partial sum is never returned: a missing part would make a breach look like a recovery.
 */
export function reduceSample(
  sample: ChartSample,
  dimensions: string[],
  percentOf: string[] | undefined,
): Reduction {
  const missing = new Set<string>();
  const numerator = sumOf(sample, dimensions, missing);
  const denominator = percentOf === undefined ? undefined : sumOf(sample, percentOf, missing);

  if (missing.size > 0 || numerator === undefined) {
    return { value: undefined, missing: [...missing] };
  }
  if (denominator === undefined) {
    return { value: percentOf === undefined ? numerator : undefined, missing: [] };
  }

  return { value: denominator === 0 ? undefined : (numerator / denominator) * 100, missing: [] };
}

/** Undefined when nothing was summed (a sample without dimensions). */
function sumOf(sample: ChartSample, names: string[], missing: Set<string>): number | undefined {
  const wanted = names.length > 0 ? names : Object.keys(sample.values);
  if (wanted.length === 0) return undefined;

  let sum = 0;
  for (const name of wanted) {
    const value = valueOf(sample, name);
    if (value === undefined) missing.add(name);
    else sum += value;
  }
  return sum;
}

function valueOf(sample: ChartSample, dimension: string): number | undefined {
  const name = Object.hasOwn(sample.values, dimension)
    ? dimension
    : sample.dimensionIds?.[dimension];
  const value = name === undefined ? undefined : sample.values[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
