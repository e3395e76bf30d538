import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from our clock, either way, before it is refused. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackRequestToVerify {
  signingSecret: string;
  /** `x-slack-request-timestamp`: seconds since the epoch, as Slack sent it. */
  timestampHeader: string | undefined;
  /** `x-slack-signature`: `v0=<hex HMAC-SHA256>`. */
  signatureHeader: string | undefined;
  /** The body exactly as received; re-serialising a parsed body breaks the signature. */
  rawBody: Buffer | string;
  /** Milliseconds since the epoch. */
  now: number;
}

export type VerifyFailure =
  'missing_headers' | 'stale_timestamp' | 'future_timestamp' | 'bad_signature';

export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

/**
 * Checks a request the way Slack documents it: `v0:<timestamp>:<raw body>` signed with
 * HMAC-SHA256 under the signing secret. Unlike Bolt's own check, a timestamp more than five
 * minutes in the future is refused too, so a captured request cannot be replayed later by
 * pre-dating it. The result names a reason and never carries the secret or the expected
 * signature.
 */
export function verifySlackRequest(request: SlackRequestToVerify): VerifyResult {
  const { timestampHeader, signatureHeader } = request;
  if (!timestampHeader || !signatureHeader || !/^\d+$/.test(timestampHeader)) {
    return { ok: false, reason: 'missing_headers' };
  }

  const skewSeconds = Number(timestampHeader) - Math.floor(request.now / 1000);
  if (skewSeconds < -MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  if (skewSeconds > MAX_CLOCK_SKEW_SECONDS) {
    return { ok: false, reason: 'future_timestamp' };
  }

  const expected = Buffer.from(
    `v0=${computeSignature(request.signingSecret, timestampHeader, request.rawBody)}`,
  );
  const given = Buffer.from(signatureHeader);
  // timingSafeEqual throws on different lengths; the length itself reveals nothing secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }

  return { ok: true };
}

/** The hex HMAC-SHA256 of `v0:<timestamp>:<body>`, without the `v0=` prefix. */
export function computeSignature(
  signingSecret: string,
  timestamp: string,
  rawBody: Buffer | string,
): string {
  return createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:`)
    .update(rawBody)
    .digest('hex');
}
