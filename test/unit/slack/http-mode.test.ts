import path from 'node:path';
import { PassThrough } from 'node:stream';

import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import type { BridgeConfig } from '../../../src/config/types';
import { HttpServer } from '../../../src/http/server';
import { createLogger } from '../../../src/logging/logger';
import { createBoltLogger, createSlackApp, type SlackApp } from '../../../src/slack/app';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { blockActionsPayload, interactivityBody, signSlackBody } from '../../support/sign-slack';
import { CPU, moved, removeTempDirs, tempDir } from '../alerts/helpers';

const BOT_TOKEN = 'xoxb-test-bot-token-1234';
const SIGNING_SECRET = 'signing-secret-5678-abcdef';
const CHANNEL = 'C0ALERTS';
const START = 1_700_000_000_000;

interface Harness {
  url: string;
  fake: FakeSlack;
  store: SqliteAlertStore;
  episodeId: string;
  kicks: () => number;
  logs: () => Record<string, unknown>[];
  rawLogs: () => string;
  setNow: (at: number) => void;
  close: () => Promise<void>;
}

async function start(allowedUsers: string[] = []): Promise<Harness> {
  let now = START;
  const clock = (): number => now;
  const fake = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
    usergroups: [{ id: 'S0ONCALL', users: ['U0CAROL'] }],
    clock,
  });
  const store = SqliteAlertStore.open(path.join(tempDir(), 'bridge.sqlite'), { clock });
  const episodeId = openDeliveredEpisode(store);

  const stream = new PassThrough();
  let captured = '';
  stream.on('data', (chunk: Buffer) => (captured += chunk.toString('utf8')));
  const logger = createLogger({ level: 'debug', format: 'json', stream });

  let kickCount = 0;
  const server = new HttpServer({ host: '127.0.0.1', port: 0, logger });
  const slack: SlackApp = createSlackApp({
    config: slackConfig(fake.url, allowedUsers),
    store,
    sender: { kick: () => (kickCount += 1) },
    logger,
    routes: server,
    clock,
  });
  await slack.start();
  const { port } = await server.start();

  return {
    url: `http://127.0.0.1:${port}/slack/events`,
    fake,
    store,
    episodeId,
    kicks: () => kickCount,
    rawLogs: () => captured,
    logs: () =>
      captured
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    setNow: (at) => {
      now = at;
    },
    close: async () => {
      await slack.stop();
      await server.stop();
      await fake.close();
      store.close();
    },
  };
}

function slackConfig(apiUrl: string, allowedUsers: string[]): BridgeConfig['slack'] {
  return {
    botToken: BOT_TOKEN,
    signingSecret: SIGNING_SECRET,
    appToken: '',
    channel: CHANNEL,
    apiUrl,
    timeoutMs: 2_000,
    mentionOnCritical: '',
    allowedUsers,
    dashboardUrl: '',
  };
}

/** An open warning episode whose first message already reached Slack: the outbox is empty. */
function openDeliveredEpisode(store: SqliteAlertStore): string {
  const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 85, START)]);
  if (episode === undefined) throw new Error('the store opened no episode');

  store.setMessageRef(episode.id, { channel: CHANNEL, ts: '1700000000.000100' });
  for (const due of store.dueDeliveries(START, 10)) {
    store.markDelivered(due.episode.id, due.outboxIds, [], START);
  }
  return episode.id;
}

async function click(
  harness: Harness,
  options: { userId: string; actionId?: string; signedAt?: number; secret?: string },
): Promise<Response> {
  const payload = blockActionsPayload({
    actionId: options.actionId ?? 'alert_ack',
    value: harness.episodeId,
    userId: options.userId,
    responseUrl: `${harness.fake.url}response/T0TEAM/1/abc`,
    channel: CHANNEL,
  });
  const body = interactivityBody(payload);
  const signedAt = (options.signedAt ?? START) / 1000;
  const headers = signSlackBody(body, options.secret ?? SIGNING_SECRET, signedAt);

  return fetch(harness.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}

/** The click is acknowledged before it is handled; wait for its effect, not for a duration. */
async function eventually(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the expected effect never happened');
}

function ephemerals(harness: Harness): string[] {
  return harness.fake
    .calls('chat.postEphemeral')
    .map((call) => `${String(call.params.user)}: ${String(call.params.text)}`);
}

describe('Slack interactions over HTTP', () => {
  let harness: Harness;

  afterEach(async () => {
    await harness.close();
    removeTempDirs();
  });

  it('acknowledges the alert on a signed click and queues the message update', async () => {
    harness = await start();

    const response = await click(harness, { userId: 'U0ALICE' });

    expect(response.status).toBe(200);
    await eventually(() => harness.kicks() === 1);
    const episode = harness.store.getEpisode(harness.episodeId);
    expect(episode?.acknowledgement).toEqual({ user: 'U0ALICE', at: START });
    expect(harness.store.dueDeliveries(START, 10).map((d) => d.episode.id)).toEqual([
      harness.episodeId,
    ]);
    expect(harness.logs()).toContainEqual(
      expect.objectContaining({ event: 'alert.acknowledged', key: CPU.key, user: 'U0ALICE' }),
    );
  });

  it('refuses a forged signature with 401 and changes nothing', async () => {
    harness = await start();

    const response = await click(harness, { userId: 'U0ALICE', secret: 'not-the-secret' });

    expect(response.status).toBe(401);
    expect(harness.store.getEpisode(harness.episodeId)?.acknowledgement).toBeUndefined();
    expect(harness.store.dueDeliveries(START, 10)).toEqual([]);
    expect(harness.logs()).toContainEqual(
      expect.objectContaining({ event: 'slack.request_rejected', reason: 'bad_signature' }),
    );
  });

  it('refuses a click signed 6 minutes ago', async () => {
    harness = await start();

    const response = await click(harness, { userId: 'U0ALICE', signedAt: START - 6 * 60_000 });

    expect(response.status).toBe(401);
    expect(harness.store.getEpisode(harness.episodeId)?.acknowledgement).toBeUndefined();
    expect(harness.logs()).toContainEqual(
      expect.objectContaining({ event: 'slack.request_rejected', reason: 'stale_timestamp' }),
    );
  });

  it('refuses a click signed 6 minutes in the future', async () => {
    harness = await start();

    const response = await click(harness, { userId: 'U0ALICE', signedAt: START + 6 * 60_000 });

    expect(response.status).toBe(401);
    expect(harness.store.getEpisode(harness.episodeId)?.acknowledgement).toBeUndefined();
    expect(harness.logs()).toContainEqual(
      expect.objectContaining({ event: 'slack.request_rejected', reason: 'future_timestamp' }),
    );
  });

  it('tells a user who is not on the allow list, privately, and changes nothing', async () => {
    harness = await start(['U0ALICE', 'S0ONCALL']);

    const response = await click(harness, { userId: 'U0MALLORY' });

    expect(response.status).toBe(200);
    await eventually(() => ephemerals(harness).length === 1);
    expect(ephemerals(harness)[0]).toMatch(/^U0MALLORY: You are not on the allow list/);
    expect(harness.store.getEpisode(harness.episodeId)?.acknowledgement).toBeUndefined();
    expect(harness.store.dueDeliveries(START, 10)).toEqual([]);
    expect(harness.kicks()).toBe(0);
  });

  it('lets a member of an allowed user group acknowledge', async () => {
    harness = await start(['S0ONCALL']);

    await click(harness, { userId: 'U0CAROL' });

    await eventually(() => harness.kicks() === 1);
    expect(harness.store.getEpisode(harness.episodeId)?.acknowledgement?.user).toBe('U0CAROL');
    expect(harness.fake.calls('usergroups.users.list')[0]?.params.usergroup).toBe('S0ONCALL');
  });

  it('keeps the first acknowledgement when two people click', async () => {
    harness = await start();

    await click(harness, { userId: 'U0ALICE' });
    await eventually(() => harness.kicks() === 1);
    harness.setNow(START + 1_000);
    await click(harness, { userId: 'U0BOB' });

    await eventually(() => ephemerals(harness).length === 1);
    expect(ephemerals(harness)).toEqual(['U0BOB: Already acknowledged by <@U0ALICE>.']);
    const episode = harness.store.getEpisode(harness.episodeId);
    expect(episode?.acknowledgement).toEqual({ user: 'U0ALICE', at: START });
    expect(episode?.timeline.filter((entry) => entry.kind === 'acknowledged')).toHaveLength(1);
    expect(harness.kicks()).toBe(1);
  });

  it('withdraws an acknowledgement on Unacknowledge', async () => {
    harness = await start();
    await click(harness, { userId: 'U0ALICE' });
    await eventually(() => harness.kicks() === 1);

    await click(harness, { userId: 'U0ALICE', actionId: 'alert_unack' });

    await eventually(() => harness.kicks() === 2);
    expect(harness.store.getEpisode(harness.episodeId)?.acknowledgement).toBeUndefined();
    expect(harness.logs()).toContainEqual(
      expect.objectContaining({ event: 'alert.unacknowledged', key: CPU.key, user: 'U0ALICE' }),
    );
  });

  it('answers Slack url_verification with the challenge', async () => {
    harness = await start();
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' });

    const response = await fetch(harness.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signSlackBody(body, SIGNING_SECRET, START / 1000),
      },
      body,
    });

    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ challenge: 'c-123' });
  });

  it('never writes the signing secret or the bot token to the log', async () => {
    harness = await start(['S0ONCALL']);

    await click(harness, { userId: 'U0CAROL' });
    await click(harness, { userId: 'U0ALICE', secret: 'forged' });
    await eventually(() => harness.kicks() === 1);

    expect(harness.logs().length).toBeGreaterThan(0);
    expect(harness.rawLogs()).not.toContain(SIGNING_SECRET);
    expect(harness.rawLogs()).not.toContain(BOT_TOKEN);
  });
});

describe('Bolt log lines', () => {
  it('mask secrets that Bolt quotes', async () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    const boltLogger = createBoltLogger(createLogger({ level: 'debug', format: 'json', stream }), [
      BOT_TOKEN,
      SIGNING_SECRET,
      '',
    ]);

    boltLogger.error(`auth failed for ${BOT_TOKEN}`, { secret: SIGNING_SECRET });
    await new Promise((resolve) => setImmediate(resolve));

    expect(written).toContain('"event":"slack.bolt"');
    expect(written).toContain('auth failed for [secret]');
    expect(written).not.toContain(BOT_TOKEN);
    expect(written).not.toContain(SIGNING_SECRET);
  });
});
