/**
 * Everything wrong with a configuration, one problem per line. Each problem names the key (or
 * the file), the value that was found and what was expected, so the operator knows what to
 * change without reading the code.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  /** The problems in the order they were found; `message` is these joined by newlines. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: { cause?: unknown }) {
    super(problems.join('\n'), options);
    this.problems = [...problems];
  }
}

export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError;
}

/**
 * A value as it appears in a problem: strings quoted, numbers bare, long values cut. Never
 * call this on a secret.
 */
export function showValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }

  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
