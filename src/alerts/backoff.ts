/** First retry after a transient failure. */
export const FIRST_RETRY_MS = 1000;

/** Longest wait between two attempts, so a long Slack outage is noticed within minutes. */
export const MAX_RETRY_MS = 5 * 60 * 1000;

/**
 * Exponential backoff: 1 s after the first failure, then 2 s, 4 s ... capped at 5 minutes.
 * `attempts` is how many attempts already failed before this one.
 */
export function retryDelayMs(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts, 30));
  return Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
}
