import convict from 'convict';

/**
 * Durations as operators write them: `500ms`, `30s`, `5m`, `1h`, `30d`, combinations such as
 * `1m30s`, or a plain number of seconds (`30`, also as the string `"30"` from the
 * environment). Months and years are not accepted: their length varies.
 */

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

// `ms` comes before `m` so that `500ms` is not read as 500 minutes followed by garbage.
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;

/** What a duration looks like, for error messages. */
export const DURATION_EXAMPLES = 'e.g. 10s, 5m, 1m30s';

/** Seconds in `value`, or undefined when it is not a duration (negative, empty, unknown unit). */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  }

  if (typeof value !== 'string') {
    return undefined;
  }

  const text = value.trim();
  if (PLAIN_NUMBER.test(text)) {
    return Number(text);
  }

  return parseParts(text);
}

function parseParts(text: string): number | undefined {
  let seconds = 0;
  PART.lastIndex = 0;

  while (PART.lastIndex < text.length) {
    const match = PART.exec(text);
    if (!match) {
      return undefined;
    }
    seconds += Number(match[1]) * (UNIT_SECONDS[match[2] ?? ''] ?? Number.NaN);
  }

  return text.length > 0 && Number.isFinite(seconds) ? seconds : undefined;
}

/**
 * Seconds in `value`.
 * @throws RangeError naming the value and the expected shape, when it is not a duration.
 */
export function parseDuration(value: unknown): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) {
    throw new RangeError(
      `${JSON.stringify(value)} is not a duration; expected ${DURATION_EXAMPLES}`,
    );
  }

  return seconds;
}

/** Milliseconds in `value`, rounded to a whole millisecond. */
export function parseDurationMs(value: unknown): number {
  return Math.round(parseDuration(value) * 1000);
}

/** The shortest way to write `seconds` back: 90 -> `1m30s`, 0.5 -> `500ms`, 0 -> `0s`. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds * 1000);
  if (rest === 0) {
    return '0s';
  }

  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86400000],
    ['h', 3600000],
    ['m', 60000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      parts.push(`${count}${unit}`);
      rest -= count * size;
    }
  }

  return parts.join('');
}

/** A convict format: `validate` throws an Error whose message names the value and the expectation. */
export interface SettingFormat {
  validate(value: unknown): void;
  /** Turns a string from the environment into the value `validate` sees. */
  coerce?(text: string): unknown;
}

/** `duration` accepts zero; `positive-duration` is for intervals and timeouts, at least 1ms. */
export const DURATION_FORMATS: Record<'duration' | 'positive-duration', SettingFormat> = {
  duration: { validate: (value) => void parseDuration(value) },
  'positive-duration': {
    validate(value) {
      if (parseDuration(value) <= 0) {
        throw new RangeError(
          `${JSON.stringify(value)} is zero; expected a positive duration, ${DURATION_EXAMPLES}`,
        );
      }
    },
  },
};

/** Makes `format: 'duration'` and `format: 'positive-duration'` usable in convict schemas. */
export function registerDurationFormats(): void {
  for (const [name, format] of Object.entries(DURATION_FORMATS)) {
    convict.addFormat({ name, ...format });
  }
}
