/**
 * Failures of the alert store. Every message names the setting to change (`state.path`, or
 * `BRIDGE_STATE_PATH` in the environment) and what to do about it.
 */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Type guard for callers that catch `unknown`. */
export function isStoreError(error: unknown): error is StoreError {
  return error instanceof StoreError;
}

/** A short, single-line description of any thrown value, for messages and log fields. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }

  return String(error);
}
