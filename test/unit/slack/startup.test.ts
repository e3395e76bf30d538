import { createSilentLogger } from '../../../src/logging/logger';
import { SlackSetupError } from '../../../src/slack/errors';
import { checkSlackSetup } from '../../../src/slack/startup';
import { createWebClient } from '../../../src/slack/web-client';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';

const TOKEN = 'xoxb-startup-test-secret';

describe('checkSlackSetup', () => {
  let slack: FakeSlack;
  const logger = createSilentLogger();

  function client(token = TOKEN) {
    return createWebClient({ token, apiUrl: slack.url, timeoutMs: 2000, logger });
  }

  async function failure(promise: Promise<unknown>): Promise<Error> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SlackSetupError);
    return error as Error;
  }

  beforeEach(async () => {
    slack = await startFakeSlack({
      botToken: TOKEN,
      botUserId: 'UBRIDGE',
      botName: 'netdata-bridge',
      teamName: 'Ops',
      channels: [
        { id: 'C0ALERTS1', name: 'alerts', isMember: true },
        { id: 'C0OUTSIDE', name: 'outside', isMember: false },
        { id: 'C0OLDNEWS', name: 'old', isMember: true, isArchived: true },
      ],
    });
  });

  afterEach(async () => {
    await slack.close();
  });

  it('returns the bot, the team and the channel id for a channel id', async () => {
    await expect(checkSlackSetup(client(), 'C0ALERTS1', logger)).resolves.toEqual({
      botUserId: 'UBRIDGE',
      botName: 'netdata-bridge',
      teamName: 'Ops',
      channelId: 'C0ALERTS1',
    });
  });

  it('resolves a channel name to its id', async () => {
    const setup = await checkSlackSetup(client(), '#alerts', logger);

    expect(setup.channelId).toBe('C0ALERTS1');
  });

  it('names SLACK_BOT_TOKEN when Slack refuses the token, without quoting it', async () => {
    const error = await failure(checkSlackSetup(client('xoxb-wrong-token'), 'C0ALERTS1', logger));

    expect(error.message).toMatch(
      /^SLACK_BOT_TOKEN \(slack\.bot_token\) was refused by Slack: invalid_auth; create a bot token/,
    );
    expect(error.message).not.toContain('xoxb-wrong-token');
  });

  it('names SLACK_CHANNEL when the channel does not exist', async () => {
    const error = await failure(checkSlackSetup(client(), 'C0NOWHERE', logger));

    expect(error.message).toContain('SLACK_CHANNEL (slack.channel)');
    expect(error.message).toContain('C0NOWHERE');
  });

  it('names SLACK_CHANNEL when no channel has the configured name', async () => {
    const error = await failure(checkSlackSetup(client(), '#nowhere', logger));

    expect(error.message).toContain('SLACK_CHANNEL (slack.channel) names "#nowhere"');
  });

  it('says how to invite the bot when it is not a member', async () => {
    const error = await failure(checkSlackSetup(client(), 'C0OUTSIDE', logger));

    expect(error.message).toContain('invite the bot: /invite @netdata-bridge');
  });

  it('refuses an archived channel', async () => {
    const error = await failure(checkSlackSetup(client(), 'C0OLDNEWS', logger));

    expect(error.message).toContain('is archived');
  });

  it('refuses an empty channel setting', async () => {
    const error = await failure(checkSlackSetup(client(), '', logger));

    expect(error.message).toMatch(/^SLACK_CHANNEL \(slack\.channel\) is empty/);
  });

  it('names SLACK_API_URL when Slack cannot be reached', async () => {
    slack.setDown(true, 'reset');

    const error = await failure(checkSlackSetup(client(), 'C0ALERTS1', logger));

    expect(error.message).toContain(`at ${slack.url} (SLACK_API_URL / slack.api_url)`);
    expect(error.cause).toBeDefined();
  });
});
