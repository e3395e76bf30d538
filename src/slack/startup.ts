import type { WebClient } from '@slack/web-api';

import type { Logger } from '../logging/logger';
import { classifySlackError, slackErrorCode, SlackSetupError } from './errors';

/** What the daemon learns about its Slack app at startup. */
export interface SlackSetup {
  botUserId: string;
  /** The bot's user name, for `/invite @name` hints. */
  botName: string;
  teamName: string;
  /** The channel's id, even when the config named it (`#alerts`). */
  channelId: string;
}

const REFUSED_TOKEN = ['invalid_auth', 'not_authed', 'token_revoked', 'account_inactive'];
/** Channel ids start with C (public), G (private, older) or D (direct message). */
export const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
/** Pages of 200 channels searched when the config names a channel. */
const LIST_PAGES = 20;

interface ChannelInfo {
  id: string;
  name: string;
  isMember: boolean;
  isArchived: boolean;
}

/**
 * Checks before polling starts that the bot token works and the bot can post in the channel.
 * Throws a `SlackSetupError` whose message names the setting to change. `channel` may be an id
 * (`C0123…`) or a name (`alerts` or `#alerts`); a name costs a conversations.list walk, which
 * needs the `channels:read` scope (and `groups:read` for private channels).
 */
export async function checkSlackSetup(
  client: WebClient,
  channel: string,
  logger: Logger,
): Promise<SlackSetup> {
  const auth = await call(client, 'auth.test', () => client.auth.test(), tokenProblem);
  const botName = auth.user ?? 'your-bot';

  if (channel.trim() === '') {
    throw new SlackSetupError(
      'SLACK_CHANNEL (slack.channel) is empty; set it to the channel id (C0123…) or name the alerts go to',
    );
  }

  const info = CHANNEL_ID.test(channel)
    ? await channelById(client, channel)
    : await channelByName(client, channel);
  checkPostable(info, channel, botName);

  const setup = {
    botUserId: auth.user_id ?? '',
    botName,
    teamName: auth.team ?? '',
    channelId: info.id,
  };
  logger.info('Slack is set up', {
    event: 'slack.ready',
    team: setup.teamName,
    botUserId: setup.botUserId,
    channel: setup.channelId,
  });
  return setup;
}

function tokenProblem(code: string | undefined): string | undefined {
  if (code === undefined || !REFUSED_TOKEN.includes(code)) return undefined;
  return `SLACK_BOT_TOKEN (slack.bot_token) was refused by Slack: ${code}; create a bot token (xoxb-…) under "OAuth & Permissions" of the Slack app, install the app to the workspace, and set it`;
}

async function channelById(client: WebClient, channel: string): Promise<ChannelInfo> {
  const result = await call(
    client,
    'conversations.info',
    () => client.conversations.info({ channel }),
    (code) => channelProblem(code, channel),
  );
  const found = result.channel;
  return {
    id: found?.id ?? channel,
    name: found?.name ?? channel,
    isMember: found?.is_member === true,
    isArchived: found?.is_archived === true,
  };
}

async function channelByName(client: WebClient, channel: string): Promise<ChannelInfo> {
  const name = channel.replace(/^#/, '');
  let cursor: string | undefined;
  for (let page = 0; page < LIST_PAGES; page += 1) {
    const result = await call(
      client,
      'conversations.list',
      () =>
        client.conversations.list({
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        }),
      (code) => channelProblem(code, channel),
    );

    const found = result.channels?.find((c) => c.name === name);
    if (found?.id !== undefined) return channelById(client, found.id);

    cursor = result.response_metadata?.next_cursor;
    if (!cursor) break;
  }
  throw new SlackSetupError(
    `SLACK_CHANNEL (slack.channel) names "${channel}", which Slack does not know (or which the bot cannot see); set the channel id (C0123…) or fix the name`,
  );
}

function channelProblem(code: string | undefined, channel: string): string | undefined {
  if (code === 'channel_not_found') {
    return `SLACK_CHANNEL (slack.channel) is "${channel}", which Slack does not know (or which the bot cannot see); set the id (C0123…) of the channel the alerts go to`;
  }
  if (code === 'missing_scope') {
    return `the Slack app lacks a scope to look up SLACK_CHANNEL (slack.channel) "${channel}": add channels:read (and groups:read for private channels), reinstall the app, or set the channel id`;
  }
  return tokenProblem(code);
}

function checkPostable(info: ChannelInfo, channel: string, botName: string): void {
  if (info.isArchived) {
    throw new SlackSetupError(
      `SLACK_CHANNEL (slack.channel) "${channel}" is archived; unarchive it or choose another channel`,
    );
  }
  if (!info.isMember) {
    throw new SlackSetupError(
      `the bot is not a member of SLACK_CHANNEL (slack.channel) #${info.name} (${info.id}); invite the bot: /invite @${botName}`,
    );
  }
}

/**
 * Runs one Web API call; a failure becomes a `SlackSetupError` with the message `explain` gives
 * for Slack's error code, or one that names `slack.api_url` when Slack could not be reached.
 */
async function call<T>(
  client: WebClient,
  method: string,
  run: () => Promise<T>,
  explain: (code: string | undefined) => string | undefined,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const explained = explain(slackErrorCode(error));
    if (explained !== undefined) throw new SlackSetupError(explained, { cause: error });

    const { error: reason } = classifySlackError(error);
    throw new SlackSetupError(
      `Slack ${method} failed at ${client.slackApiUrl} (SLACK_API_URL / slack.api_url): ${reason}; check that Slack is reachable from this host`,
      { cause: error },
    );
  }
}
