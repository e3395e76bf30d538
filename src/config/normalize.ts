import type { Rule } from '../rules/types';
import { parseDuration, parseDurationMs } from './duration';
import type { RawSettings } from './schema';
import type { BridgeConfig } from './types';

/**
 * Turns validated settings into the `BridgeConfig` the rest of the daemon reads: durations as
 * numbers, URLs in one canonical form, the dashboard URL resolved.
 */
export function toBridgeConfig(settings: RawSettings, rules: Rule[]): BridgeConfig {
  const netdataUrl = withoutTrailingSlash(settings.netdata.url);
  const { slack } = settings;

  return {
    netdata: {
      url: netdataUrl,
      timeoutMs: parseDurationMs(settings.netdata.timeout),
      nodes: settings.netdata.nodes,
      discoverEverySeconds: parseDuration(settings.netdata.discover_every),
      unreachableAfter: settings.netdata.unreachable_after,
    },
    poll: { everySeconds: parseDuration(settings.poll.every) },
    slack: {
      botToken: slack.bot_token,
      signingSecret: slack.signing_secret,
      appToken: slack.app_token,
      channel: slack.channel,
      apiUrl: withTrailingSlash(slack.api_url),
      timeoutMs: parseDurationMs(slack.timeout),
      mentionOnCritical: slack.mention_on_critical,
      allowedUsers: slack.allowed_users,
      dashboardUrl:
        slack.dashboard_url === '' ? netdataUrl : withoutTrailingSlash(slack.dashboard_url),
    },
    http: { host: settings.http.host, port: settings.http.port },
    state: {
      path: settings.state.path,
      retentionDays: parseDuration(settings.state.retention) / 86400,
    },
    log: { level: settings.log.level, format: settings.log.format },
    rules,
  };
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Relative API paths (`chat.postMessage`) resolve under the base only when it ends with `/`. */
function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * Settings that are fine alone but not together: Slack needs a channel once it has a token,
 * and HTTP mode cannot verify Slack's requests without the signing secret.
 */
export function checkSlackMode(slack: RawSettings['slack']): string[] {
  const problems: string[] = [];
  if (slack.bot_token === '') {
    if (slack.app_token !== '') {
      problems.push(
        'slack.bot_token: "" but slack.app_token is set; Socket Mode also needs the bot token (SLACK_BOT_TOKEN)',
      );
    }
    return problems;
  }

  if (slack.channel === '') {
    problems.push(
      'slack.channel: "" but slack.bot_token is set; expected a channel id (C0123ABC) or name (#ops-alerts), or SLACK_CHANNEL',
    );
  }

  if (slack.app_token === '' && slack.signing_secret === '') {
    problems.push(
      'slack.signing_secret: "" but slack.bot_token is set and slack.app_token is not; HTTP mode verifies Slack requests with it: set SLACK_SIGNING_SECRET, or SLACK_APP_TOKEN for Socket Mode',
    );
  }

  return problems;
}
