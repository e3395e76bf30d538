import path from 'node:path';

import { App, LogLevel, type Logger as BoltLogger, type Receiver } from '@slack/bolt';

import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import type { AckResult, Episode } from '../../../src/alerts/types';
import { createSilentLogger } from '../../../src/logging/logger';
import { explainUnchanged, registerAlertActions } from '../../../src/slack/interactions';
import { createPermissions } from '../../../src/slack/permissions';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { blockActionsPayload } from '../../support/sign-slack';
import { CPU, moved, removeTempDirs, tempDir } from '../alerts/helpers';

const BOT_TOKEN = 'xoxb-interactions-token';
const CHANNEL = 'C0ALERTS';
const START = 1_700_000_000_000;

/** Hands events straight to the app: these tests are about the listeners, not transport. */
const directReceiver: Receiver = {
  init: () => undefined,
  start: async () => undefined,
  stop: async () => undefined,
};

describe('alert button listeners', () => {
  let fake: FakeSlack;
  let store: SqliteAlertStore;
  let app: App;
  let kicks: number;

  beforeEach(async () => {
    fake = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
    });
    store = SqliteAlertStore.open(path.join(tempDir(), 'bridge.sqlite'), { clock: () => START });
    kicks = 0;
    app = new App({
      receiver: directReceiver,
      authorize: async () => ({ botToken: BOT_TOKEN }),
      logger: boltSilent(),
      clientOptions: { slackApiUrl: fake.url, retryConfig: { retries: 0 } },
    });
    registerAlertActions(app, {
      store,
      sender: { kick: () => (kicks += 1) },
      permissions: createPermissions({
        allowedUsers: [],
        listGroupMembers: async () => [],
        logger: createSilentLogger(),
        clock: () => START,
      }),
      logger: createSilentLogger(),
      clock: () => START,
    });
  });

  afterEach(async () => {
    await fake.close();
    store.close();
    removeTempDirs();
  });

  async function click(actionId: string, episodeId: string): Promise<number> {
    let acks = 0;
    const body = blockActionsPayload({
      actionId,
      value: episodeId,
      userId: 'U0ALICE',
      responseUrl: `${fake.url}response/1`,
      channel: CHANNEL,
    });
    await app.processEvent({ body, ack: async () => void (acks += 1) });
    return acks;
  }

  function ephemeralTexts(): string[] {
    return fake.calls('chat.postEphemeral').map((call) => String(call.params.text));
  }

  it('acks the click once and records the acknowledgement', async () => {
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'critical', 97, START)]);

    const acks = await click('alert_ack', episode?.id ?? '');

    expect(acks).toBe(1);
    expect(store.getEpisode(episode?.id ?? '')?.acknowledgement?.user).toBe('U0ALICE');
    expect(kicks).toBe(1);
  });

  it('tells the user when the alert is no longer tracked', async () => {
    await click('alert_ack', 'no-such-episode');

    expect(ephemeralTexts()).toEqual([
      'This alert is no longer tracked by the bridge, so nothing was changed.',
    ]);
    expect(kicks).toBe(0);
  });

  it('tells the user when the alert has already cleared', async () => {
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 85, START)]);
    store.applyEvaluations([moved(CPU, 'warning', 'clear', 60, START + 60_000)]);

    await click('alert_ack', episode?.id ?? '');

    expect(ephemeralTexts()).toEqual(['This alert has already cleared, so nothing was changed.']);
    expect(kicks).toBe(0);
  });

  it('apologises privately when the store cannot record the click', async () => {
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 85, START)]);
    store.close();

    const acks = await click('alert_ack', episode?.id ?? '');

    expect(acks).toBe(1);
    expect(ephemeralTexts()).toEqual([
      'Sorry, the bridge could not record that. Please try again.',
    ]);
    expect(kicks).toBe(0);
  });

  it('acks the Open in Netdata link button without doing anything else', async () => {
    const acks = await click('alert_open_chart', 'ignored');

    expect(acks).toBe(1);
    expect(fake.calls()).toEqual([]);
  });
});

describe('explainUnchanged', () => {
  const base = {
    endedAt: undefined,
    acknowledgement: undefined,
  } as Partial<Episode>;

  it.each<[string, 'acknowledge' | 'unacknowledge', AckResult, string]>([
    [
      'an acknowledged alert names who acknowledged it',
      'acknowledge',
      unchanged({ ...base, acknowledgement: { user: 'U0BOB', at: START } }),
      'Already acknowledged by <@U0BOB>.',
    ],
    [
      'an unacknowledged alert cannot be unacknowledged',
      'unacknowledge',
      unchanged(base),
      'This alert is not acknowledged, so nothing was changed.',
    ],
    [
      'a cleared alert says so first',
      'unacknowledge',
      unchanged({ ...base, endedAt: START, acknowledgement: { user: 'U0BOB', at: START } }),
      'This alert has already cleared, so nothing was changed.',
    ],
  ])('%s', (_name, change, result, expected) => {
    expect(explainUnchanged(change, result)).toBe(expected);
  });
});

function unchanged(episode: Partial<Episode>): AckResult {
  return { outcome: 'unchanged', episode: episode as Episode };
}

function boltSilent(): BoltLogger {
  const noop = (): void => undefined;
  return {
    debug: noop,
    info: noop,
    warn: noop,
    error: noop,
    setLevel: noop,
    getLevel: () => LogLevel.ERROR,
    setName: noop,
  };
}
