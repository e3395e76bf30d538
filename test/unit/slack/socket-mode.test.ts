import path from 'node:path';
import { PassThrough } from 'node:stream';

import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import type { BridgeConfig } from '../../../src/config/types';
import type { HttpRoutes } from '../../../src/http/types';
import { createLogger } from '../../../src/logging/logger';
import { createSlackApp, type SlackApp } from '../../../src/slack/app';
import { SlackSetupError } from '../../../src/slack/errors';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import { FakeSocketMode } from '../../support/fake-socket-mode';
import { blockActionsPayload } from '../../support/sign-slack';
import { CPU, moved, removeTempDirs, tempDir } from '../alerts/helpers';

const BOT_TOKEN = 'xoxb-socket-bot-token-1234';
const APP_TOKEN = 'xapp-1-socket-app-token-5678';
const CHANNEL = 'C0ALERTS';
const START = 1_700_000_000_000;

/** Socket Mode must not mount anything on the HTTP listener. */
const noRoutes: HttpRoutes = {
  route: (method, routePath) => {
    throw new Error(`Socket Mode mounted ${method} ${routePath}`);
  },
};

function slackConfig(apiUrl: string, appToken: string): BridgeConfig['slack'] {
  return {
    botToken: BOT_TOKEN,
    signingSecret: '',
    appToken,
    channel: CHANNEL,
    apiUrl,
    timeoutMs: 2_000,
    mentionOnCritical: '',
    allowedUsers: [],
    dashboardUrl: '',
  };
}

/** Waits up to 10 s: a retry of apps.connections.open comes 1 s after a failed one. */
async function eventually(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the expected effect never happened');
}

describe('Slack interactions over Socket Mode', () => {
  let fake: FakeSlack;
  let socketMode: FakeSocketMode;
  let store: SqliteAlertStore;
  let slack: SlackApp | undefined;
  let captured: string;
  let kicks: number;

  beforeEach(async () => {
    fake = await startFakeSlack({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
    });
    socketMode = await FakeSocketMode.start(fake);
    store = SqliteAlertStore.open(path.join(tempDir(), 'bridge.sqlite'), { clock: () => START });
    captured = '';
    kicks = 0;
  });

  afterEach(async () => {
    await slack?.stop();
    slack = undefined;
    await socketMode.close();
    await fake.close();
    store.close();
    removeTempDirs();
  });

  function create(appToken: string): SlackApp {
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => (captured += chunk.toString('utf8')));
    return createSlackApp({
      config: slackConfig(fake.url, appToken),
      store,
      sender: { kick: () => (kicks += 1) },
      logger: createLogger({ level: 'debug', format: 'json', stream }),
      routes: noRoutes,
      clock: () => START,
      autoReconnect: false,
    });
  }

  it('connects through apps.connections.open, acks the click envelope and records the ack', async () => {
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 85, START)]);
    slack = create(APP_TOKEN);

    await slack.start();
    await socketMode.connected();
    const reply = await socketMode.sendInteractive(
      blockActionsPayload({
        actionId: 'alert_ack',
        value: episode?.id ?? '',
        userId: 'U0ALICE',
        responseUrl: `${fake.url}response/1`,
        channel: CHANNEL,
      }),
    );

    expect(slack.mode).toBe('socket');
    expect(fake.calls('apps.connections.open').map((call) => call.token)).toEqual([APP_TOKEN]);
    expect(reply).toEqual(expect.objectContaining({ envelope_id: expect.any(String) }));
    await eventually(() => kicks === 1);
    expect(store.getEpisode(episode?.id ?? '')?.acknowledgement).toEqual({
      user: 'U0ALICE',
      at: START,
    });
    expect(captured).toContain('"event":"alert.acknowledged"');
    expect(captured).not.toContain(APP_TOKEN);
    expect(captured).not.toContain(BOT_TOKEN);
  });

  it('fails to start with an error naming slack.app_token when Slack refuses the token', async () => {
    slack = create('xapp-1-revoked');

    const started = slack.start();

    await expect(started).rejects.toThrow(SlackSetupError);
    await expect(started).rejects.toThrow(/slack\.app_token/);
  });

  it('connects in the background once Slack answers, then calls back', async () => {
    fake.setDown(true);
    slack = create(APP_TOKEN);
    let receiving = 0;

    slack.startInBackground(() => (receiving += 1));
    await eventually(() => fake.calls('apps.connections.open').length >= 1);
    expect(receiving).toBe(0);
    fake.setDown(false);
    await socketMode.connected();

    await eventually(() => receiving === 1);
    expect(captured).toContain('"event":"slack.receiving"');
    expect(captured).not.toContain('"event":"slack.receive_failed"');
  }, 20_000);

  it('stops while Slack is down, ending the connection attempts without logging a failure', async () => {
    fake.setDown(true);
    slack = create(APP_TOKEN);
    slack.startInBackground(() => undefined);
    await eventually(() => fake.calls('apps.connections.open').length >= 1);

    await slack.stop();

    // Logged when the next attempt is refused; without the halt the attempts would go on.
    await eventually(() => captured.includes('Socket Mode stopped while connecting'));
    expect(captured).toContain('"event":"slack.stopped"');
    expect(captured).not.toContain('"event":"slack.receive_failed"');
  }, 20_000);

  it('logs a refused app token as a failure to receive, naming slack.app_token', async () => {
    slack = create('xapp-1-revoked');

    slack.startInBackground(() => undefined);

    await eventually(() => captured.includes('"event":"slack.receive_failed"'));
    expect(captured).toContain('slack.app_token (SLACK_APP_TOKEN)');
    expect(captured).toContain('invalid_auth');
    expect(captured).not.toContain('xapp-1-revoked');
  });
});
