import { verifySlackRequest, type VerifyResult } from '../../../src/slack/verify';
import { signSlackBody } from '../../support/sign-slack';

const secret = 'test-signing-secret-0123456789';
const now = Date.UTC(2024, 0, 15, 12, 0, 0);
const nowSeconds = now / 1000;
const body = 'payload=%7B%22type%22%3A%22block_actions%22%7D';

interface Case {
  name: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody?: string;
  expected: VerifyResult;
}

function signedAt(seconds: number, signingSecret = secret, signedBody = body): Case['signature'] {
  return signSlackBody(signedBody, signingSecret, seconds)['x-slack-signature'];
}

const cases: Case[] = [
  {
    name: 'accepts a request signed now',
    timestamp: String(nowSeconds),
    signature: signedAt(nowSeconds),
    expected: { ok: true },
  },
  {
    name: 'accepts a request 4 minutes old',
    timestamp: String(nowSeconds - 240),
    signature: signedAt(nowSeconds - 240),
    expected: { ok: true },
  },
  {
    name: 'accepts a request 4 minutes ahead of our clock',
    timestamp: String(nowSeconds + 240),
    signature: signedAt(nowSeconds + 240),
    expected: { ok: true },
  },
  {
    name: 'refuses a correctly signed request 6 minutes old',
    timestamp: String(nowSeconds - 360),
    signature: signedAt(nowSeconds - 360),
    expected: { ok: false, reason: 'stale_timestamp' },
  },
  {
    name: 'refuses a correctly signed request 6 minutes in the future',
    timestamp: String(nowSeconds + 360),
    signature: signedAt(nowSeconds + 360),
    expected: { ok: false, reason: 'future_timestamp' },
  },
  {
    name: 'refuses a request signed with another secret',
    timestamp: String(nowSeconds),
    signature: signedAt(nowSeconds, 'another-secret'),
    expected: { ok: false, reason: 'bad_signature' },
  },
  {
    name: 'refuses a body changed after signing',
    timestamp: String(nowSeconds),
    signature: signedAt(nowSeconds),
    rawBody: `${body}x`,
    expected: { ok: false, reason: 'bad_signature' },
  },
  {
    name: 'refuses a signature for another timestamp',
    timestamp: String(nowSeconds),
    signature: signedAt(nowSeconds - 1),
    expected: { ok: false, reason: 'bad_signature' },
  },
  {
    name: 'refuses a truncated signature without throwing',
    timestamp: String(nowSeconds),
    signature: signedAt(nowSeconds)?.slice(0, 20),
    expected: { ok: false, reason: 'bad_signature' },
  },
  {
    name: 'refuses a missing signature',
    timestamp: String(nowSeconds),
    signature: undefined,
    expected: { ok: false, reason: 'missing_headers' },
  },
  {
    name: 'refuses a missing timestamp',
    timestamp: undefined,
    signature: signedAt(nowSeconds),
    expected: { ok: false, reason: 'missing_headers' },
  },
  {
    name: 'refuses a timestamp that is not a number',
    timestamp: 'yesterday',
    signature: signedAt(nowSeconds),
    expected: { ok: false, reason: 'missing_headers' },
  },
];

describe('verifySlackRequest', () => {
  it.each(cases)('$name', ({ timestamp, signature, rawBody, expected }) => {
    const result = verifySlackRequest({
      signingSecret: secret,
      timestampHeader: timestamp,
      signatureHeader: signature,
      rawBody: Buffer.from(rawBody ?? body),
      now,
    });

    expect(result).toEqual(expected);
  });

  it('never puts the secret in its result', () => {
    const result = verifySlackRequest({
      signingSecret: secret,
      timestampHeader: String(nowSeconds),
      signatureHeader: 'v0=00',
      rawBody: body,
      now,
    });

    expect(JSON.stringify(result)).not.toContain(secret);
  });
});
