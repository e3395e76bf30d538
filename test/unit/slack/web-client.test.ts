import { PassThrough } from 'node:stream';

import { createLogger } from '../../../src/logging/logger';
import { classifySlackError } from '../../../src/slack/errors';
import { createWebClient, maskToken } from '../../../src/slack/web-client';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';

const TOKEN = 'xoxb-test-web-client-secret';

function captureLogs(): { logger: ReturnType<typeof createLogger>; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ level: 'debug', format: 'json', stream });
  return { logger, text: () => chunks.join('') };
}

describe('createWebClient against the fake Slack', () => {
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = await startFakeSlack({
      botToken: TOKEN,
      channels: [{ id: 'C1', name: 'alerts', isMember: true }],
    });
  });

  afterEach(async () => {
    await slack.close();
  });

  it('sends the token as a bearer header to the configured API URL', async () => {
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });

    const result = await client.auth.test();

    expect(result.ok).toBe(true);
    expect(slack.calls('auth.test')[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('adds the missing trailing slash to the API URL', async () => {
    const apiUrl = slack.url.replace(/\/$/, '');
    const client = createWebClient({
      token: TOKEN,
      apiUrl,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });

    await client.auth.test();

    expect(slack.calls('auth.test')).toHaveLength(1);
  });

  it('rejects a rate-limited call at once instead of retrying in memory', async () => {
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });
    slack.rateLimitNext('chat.postMessage', 30);

    const error = await client.chat
      .postMessage({ channel: 'C1', text: 'hi' })
      .catch((e: unknown) => e);

    expect(classifySlackError(error)).toEqual(
      expect.objectContaining({ kind: 'rate_limited', retryAfterMs: 30_000 }),
    );
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
  });

  it('does not retry a server error', async () => {
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });
    slack.setDown(true);

    const error = await client.auth.test().catch((e: unknown) => e);

    expect(classifySlackError(error)).toEqual({
      kind: 'transient',
      error: expect.stringContaining('503'),
    });
    expect(slack.calls('auth.test')).toHaveLength(1);
  });

  it('routes the client log lines into winston without the token', async () => {
    const logs = captureLogs();
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: logs.logger,
    });
    slack.setDown(true, 'reset');

    await client.chat
      .postMessage({ channel: 'C1', text: `leak ${TOKEN}`, token: TOKEN })
      .catch(() => undefined);

    const lines = logs
      .text()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.every((line) => line.event === 'slack.client')).toBe(true);
    expect(logs.text()).not.toContain(TOKEN);
  });

  it('answers invalid_auth for a wrong token', async () => {
    const client = createWebClient({
      token: 'xoxb-wrong',
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });

    const error = await client.auth.test().catch((e: unknown) => e);

    expect(classifySlackError(error)).toEqual({ kind: 'permanent', error: 'invalid_auth' });
  });
});

describe('maskToken', () => {
  it('replaces every occurrence of the token', () => {
    expect(maskToken('a xoxb-1 b xoxb-1', 'xoxb-1')).toBe('a [token] b [token]');
  });

  it('leaves text alone when no token is configured', () => {
    expect(maskToken('plain', '')).toBe('plain');
  });
});

describe('fake Slack message store', () => {
  let slack: FakeSlack;

  beforeEach(async () => {
    slack = await startFakeSlack({
      botToken: TOKEN,
      channels: [
        { id: 'C1', name: 'alerts', isMember: true },
        { id: 'C2', name: 'elsewhere', isMember: false },
      ],
    });
  });

  afterEach(async () => {
    await slack.close();
  });

  it('stores posted blocks and metadata and returns them newest first from history', async () => {
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });
    const metadata = { event_type: 'test_event', event_payload: { id: 'e1' } };
    const first = await client.chat.postMessage({ channel: 'C1', text: 'one', metadata });
    await client.chat.postMessage({ channel: 'C1', text: 'two', blocks: [{ type: 'divider' }] });

    const history = await client.conversations.history({
      channel: 'C1',
      include_all_metadata: true,
    });

    expect(history.messages?.map((m) => m.text)).toEqual(['two', 'one']);
    expect(history.messages?.[1]?.metadata).toEqual(metadata);
    expect(slack.messages('C1')[1]?.blocks).toEqual([{ type: 'divider' }]);
    expect(first.ts).toBe(slack.messages('C1')[0]?.ts);
  });

  it('refuses to post where the bot is not a member', async () => {
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });

    const error = await client.chat
      .postMessage({ channel: 'C2', text: 'x' })
      .catch((e: unknown) => e);

    expect(classifySlackError(error)).toEqual({ kind: 'permanent', error: 'not_in_channel' });
  });

  it('fails the next calls of a method with the given error only as often as asked', async () => {
    const client = createWebClient({
      token: TOKEN,
      apiUrl: slack.url,
      timeoutMs: 2000,
      logger: captureLogs().logger,
    });
    slack.failNext('chat.postMessage', 'fatal_error', 1);

    const failed = await client.chat
      .postMessage({ channel: 'C1', text: 'x' })
      .catch((e: unknown) => e);
    const posted = await client.chat.postMessage({ channel: 'C1', text: 'x' });

    expect(classifySlackError(failed)).toEqual({ kind: 'transient', error: 'fatal_error' });
    expect(posted.ok).toBe(true);
  });
});
