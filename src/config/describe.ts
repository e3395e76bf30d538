import YAML from 'yaml';

import type { Level, Rule } from '../rules/types';
import { formatDuration } from './duration';
import type { BridgeConfig } from './types';

/** What stands in for the hidden part of a secret. */
export const MASK = '…(masked)';

/**
 * A secret made safe to print: `""` stays `""` (so "not set" is still visible); a Slack token
 * keeps its kind prefix (`xoxb-`, `xapp-`: at most 4 letters and the dash); nothing else of
 * the value is shown.
 */
export function maskSecret(secret: string): string {
  if (secret === '') {
    return '';
  }

  const prefix = /^[a-z]{1,4}-/.exec(secret)?.[0] ?? '';
  return `${prefix}${MASK}`;
}

/** A copy of `config` with every secret masked, safe for logs and the terminal. */
export function maskConfig(config: BridgeConfig): BridgeConfig {
  return {
    ...config,
    slack: {
      ...config.slack,
      botToken: maskSecret(config.slack.botToken),
      signingSecret: maskSecret(config.slack.signingSecret),
      appToken: maskSecret(config.slack.appToken),
    },
  };
}

/**
 * The effective config as YAML in the shape of the config file (snake_case, durations written
 * as `30s`), secrets masked. With empty secrets the output loads back to the same config.
 */
export function describeConfig(config: BridgeConfig): string {
  return YAML.stringify(toFileShape(maskConfig(config)), { lineWidth: 0 });
}

function toFileShape(config: BridgeConfig): Record<string, unknown> {
  const { netdata, slack } = config;

  return {
    netdata: {
      url: netdata.url,
      timeout: formatDuration(netdata.timeoutMs / 1000),
      nodes: netdata.nodes,
      discover_every: formatDuration(netdata.discoverEverySeconds),
      unreachable_after: netdata.unreachableAfter,
    },
    poll: { every: formatDuration(config.poll.everySeconds) },
    slack: {
      bot_token: slack.botToken,
      signing_secret: slack.signingSecret,
      app_token: slack.appToken,
      channel: slack.channel,
      api_url: slack.apiUrl,
      timeout: formatDuration(slack.timeoutMs / 1000),
      mention_on_critical: slack.mentionOnCritical,
      allowed_users: slack.allowedUsers,
      dashboard_url: slack.dashboardUrl,
    },
    http: { ...config.http },
    state: {
      path: config.state.path,
      retention: formatDuration(config.state.retentionDays * 86400),
    },
    log: { ...config.log },
    rules: Object.fromEntries(config.rules.map((rule) => [rule.id, ruleToFileShape(rule)])),
  };
}

function ruleToFileShape(rule: Rule): Record<string, unknown> {
  return {
    title: rule.title,
    chart: rule.charts.length === 1 ? rule.charts[0] : rule.charts,
    dimensions: rule.dimensions,
    ...(rule.percentOf ? { percent_of: rule.percentOf } : {}),
    window: formatDuration(rule.windowSeconds),
    absolute: rule.absolute,
    units: rule.units,
    warning: levelToFileShape(rule.warning),
    critical: levelToFileShape(rule.critical),
    for: formatDuration(rule.forSeconds),
    clear_for: formatDuration(rule.clearForSeconds),
    enabled: rule.enabled,
  };
}

/** A missing level is written as null, which also removes a default level when loaded back. */
function levelToFileShape(level: Level | undefined): Record<string, number> | null {
  if (!level) {
    return null;
  }

  return level.direction === 'high'
    ? { above: level.trigger, clear_below: level.clear }
    : { below: level.trigger, clear_above: level.clear };
}
