import { MAX_RETRY_MS, retryDelayMs } from '../../../src/alerts/backoff';

describe('retryDelayMs', () => {
  it('doubles from one second after each failed attempt', () => {
    expect([0, 1, 2, 3, 4].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000, 16000]);
  });

  it('never waits longer than five minutes, however many attempts failed', () => {
    expect(retryDelayMs(8)).toBe(256_000);
    expect(retryDelayMs(9)).toBe(MAX_RETRY_MS);
    expect(retryDelayMs(10_000)).toBe(MAX_RETRY_MS);
  });
});
