import type { types as slack } from '@slack/bolt';

import type { Acknowledgement, Episode, TimelineEntry } from '../alerts/types';
import { sparkline } from './sparkline';

/** Everything one alert message is drawn from; `now` keeps rendering pure. */
export interface RenderInput {
  episode: Episode;
  /** Oldest first; drawn as a sparkline. */
  recentValues: readonly number[];
  chartUrl: string | undefined;
  /** `@here`, `@channel`, a user group id (`S…`), a user id (`U…`) or empty. */
  mentionOnCritical: string;
  now: number;
}

/** Arguments for chat.postMessage / chat.update, minus channel and ts. */
export interface RenderedMessage {
  /** Notification and screen-reader fallback. */
  text: string;
  blocks: slack.KnownBlock[];
  attachments: slack.MessageAttachment[];
}

/** Slack's documented limits for the parts this module fills. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  messageText: 4000,
} as const;

export const ACK_ACTION_ID = 'alert_ack';
export const UNACK_ACTION_ID = 'alert_unack';
export const OPEN_CHART_ACTION_ID = 'alert_open_chart';

type Look = 'critical' | 'warning' | 'resolved';

const LOOKS: Record<Look, { color: string; emoji: string; label: string }> = {
  critical: { color: '#d72b3f', emoji: ':red_circle:', label: 'Critical' },
  warning: { color: '#f2c744', emoji: ':large_orange_circle:', label: 'Warning' },
  resolved: { color: '#2eb67d', emoji: ':white_check_mark:', label: 'Resolved' },
};

/**
 * Renders an episode's one message: a header and (for critical alerts) a mention at the top,
 * and the details in an attachment so Slack draws the severity colour beside them. A resolved
 * episode keeps the same message, turned green, without acknowledgement buttons.
 */
export function renderEpisode(input: RenderInput): RenderedMessage {
  const { episode } = input;
  const look = lookOf(episode);
  const style = LOOKS[look];
  const mention = look === 'critical' ? formatMention(input.mentionOnCritical) : '';
  const text = truncate(
    `${mention ? `${mention} ` : ''}${headline(episode, look)}`,
    SLACK_LIMITS.messageText,
  );

  const blocks: slack.KnownBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(
          `${style.emoji} ${style.label}: ${episode.ruleTitle}`,
          SLACK_LIMITS.headerText,
        ),
        emoji: true,
      },
    },
  ];
  if (mention)
    blocks.push(
      section(
        `${mention} ${shown(episode.ruleTitle)} is critical on *${shown(episode.identity.node)}*`,
      ),
    );

  const details = look === 'resolved' ? resolvedBlocks(input) : activeBlocks(input);
  const attachment: slack.MessageAttachment = {
    color: style.color,
    fallback: text,
    blocks: details.slice(0, SLACK_LIMITS.blocks),
  };
  return { text, blocks, attachments: [attachment] };
}

function lookOf(episode: Episode): Look {
  if (episode.endedAt !== undefined || episode.severity === 'clear') return 'resolved';
  return episode.severity;
}

/** The plain fallback: severity, title, node/instance, value. */
function headline(episode: Episode, look: Look): string {
  const { emoji, label } = LOOKS[look];
  const where = `${episode.identity.node} (${episode.identity.instance})`;
  if (look === 'resolved') {
    const lasted = formatDuration((episode.endedAt ?? episode.startedAt) - episode.startedAt);
    return `${emoji} ${label}: ${episode.ruleTitle} on ${where} after ${lasted}`;
  }
  return `${emoji} ${label}: ${episode.ruleTitle} on ${where}: ${valueAgainstThreshold(episode)}`;
}

function activeBlocks(input: RenderInput): slack.KnownBlock[] {
  const { episode } = input;
  const blocks: slack.KnownBlock[] = [
    whereSection(episode),
    section(
      `*${escape(valueAgainstThreshold(episode))}*\nsince ${formatDate(episode.startedAt, '{date_short_pretty} {time}')}`,
    ),
  ];

  const trend = sparkline(input.recentValues);
  if (trend !== '')
    blocks.push(context(`\`${trend}\` last ${Math.min(input.recentValues.length, 20)} values`));
  if (episode.acknowledgement)
    blocks.push(context(acknowledgedLine(episode.acknowledgement, true)));

  const buttons = [episode.acknowledgement ? unackButton(episode.id) : ackButton(episode.id)];
  const chart = chartButton(input.chartUrl);
  if (chart) buttons.push(chart);
  blocks.push({ type: 'actions', block_id: 'alert_actions', elements: buttons });
  return blocks;
}

function resolvedBlocks(input: RenderInput): slack.KnownBlock[] {
  const { episode } = input;
  const lasted = formatDuration((episode.endedAt ?? input.now) - episode.startedAt);
  const removed = episode.timeline.some((entry) => entry.kind === 'rule_removed');
  const lines = [`*Resolved* after ${lasted} (peak: ${episode.peakSeverity})`];
  if (removed) lines.push('_rule removed from the config_');
  if (episode.acknowledgement) lines.push(acknowledgedLine(episode.acknowledgement, false));

  const blocks: slack.KnownBlock[] = [whereSection(episode), section(lines.join('\n'))];
  const chart = chartButton(input.chartUrl);
  if (chart) blocks.push({ type: 'actions', block_id: 'alert_actions', elements: [chart] });
  return blocks;
}

function whereSection(episode: Episode): slack.SectionBlock {
  const { node, instance, key } = episode.identity;
  return section(
    `*Node:* ${shown(node)}   *Instance:* \`${shown(instance)}\`\n*Alert:* \`${shown(key, 600)}\``,
  );
}

function acknowledgedLine(ack: Acknowledgement, withTime: boolean): string {
  const who = formatUser(ack.user);
  return withTime
    ? `Acknowledged by ${who} at ${formatDate(ack.at, '{time}')}`
    : `Acknowledged by ${who}`;
}

function ackButton(episodeId: string): slack.Button {
  return {
    type: 'button',
    action_id: ACK_ACTION_ID,
    text: plain('Acknowledge'),
    value: truncate(episodeId, SLACK_LIMITS.buttonValue),
    style: 'primary',
  };
}

function unackButton(episodeId: string): slack.Button {
  return {
    type: 'button',
    action_id: UNACK_ACTION_ID,
    text: plain('Unacknowledge'),
    value: truncate(episodeId, SLACK_LIMITS.buttonValue),
  };
}

/** A link button; Slack rejects URLs over its limit, so such a link is left out. */
function chartButton(url: string | undefined): slack.Button | undefined {
  if (url === undefined || url === '' || url.length > SLACK_LIMITS.buttonUrl) return undefined;
  return { type: 'button', action_id: OPEN_CHART_ACTION_ID, text: plain('Open in Netdata'), url };
}

/**
 * A one-line story of one timeline entry for the message's thread, e.g.
 * `09:14 warning → critical at 92.4 % (above 90 %)`. `startedAt` lets a clear say how long
 * the episode lasted.
 */
export function renderTimelineLine(
  entry: TimelineEntry,
  units: string,
  startedAt?: number,
): string {
  const time = formatDate(entry.at, '{time}');
  switch (entry.kind) {
    case 'transition': {
      if (entry.to === 'clear') {
        const lasted =
          startedAt === undefined ? '' : ` after ${formatDuration(entry.at - startedAt)}`;
        return `${time} resolved${lasted} at ${formatValue(entry.value, units)}`;
      }
      const crossed =
        entry.threshold === undefined
          ? ''
          : ` (${direction(entry.value, entry.threshold)} ${formatValue(entry.threshold, units)})`;
      return `${time} ${entry.from} → ${entry.to} at ${formatValue(entry.value, units)}${crossed}`;
    }
    case 'acknowledged':
      return `${time} acknowledged by ${formatUser(entry.user)}`;
    case 'unacknowledged':
      return `${time} acknowledgement withdrawn by ${formatUser(entry.user)}`;
    case 'rule_removed':
      return `${time} resolved: rule removed from the config`;
  }
}

/**
 * Several waiting timeline lines as one thread reply. When they do not fit Slack's text limit,
 * the newest are kept and the first line says how many older ones were left out.
 */
export function renderThreadReply(
  entries: readonly TimelineEntry[],
  units: string,
  startedAt?: number,
): string {
  const lines = entries.map((entry) => renderTimelineLine(entry, units, startedAt));
  let kept = lines;
  let text = kept.join('\n');
  while (text.length > SLACK_LIMITS.messageText && kept.length > 1) {
    kept = kept.slice(1);
    text = [`… ${lines.length - kept.length} earlier lines left out`, ...kept].join('\n');
  }
  return truncate(text, SLACK_LIMITS.messageText);
}

/** "92.4 % (critical above 90 %)"; "no data" when the alert has no value (node unreachable). */
export function valueAgainstThreshold(episode: Episode): string {
  if (episode.lastValue === undefined) return 'no data';
  const value = formatValue(episode.lastValue, episode.units);
  if (episode.threshold === undefined) return value;
  const side = direction(episode.lastValue, episode.threshold);
  return `${value} (${episode.severity} ${side} ${formatValue(episode.threshold, episode.units)})`;
}

/**
 * The episode does not store whether its rule is a high- or low-side check, so the side is read
 * from where the value stands against the crossed threshold.
 */
function direction(value: number, threshold: number): 'above' | 'below' {
  return value >= threshold ? 'above' : 'below';
}

/** At most one decimal, thousands separated, with the units after a space (`92.4 %`). */
export function formatValue(value: number, units: string): string {
  // toLocaleString builds a new formatter on every call, which showed up as the costliest step
  // of rendering a message; the two formatters are made once.
  const formatter = Math.abs(value) >= 100 ? WHOLE_NUMBERS : ONE_DECIMAL;
  const number = formatter.format(value);
  return units === '' ? number : `${number} ${units}`;
}

const WHOLE_NUMBERS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const ONE_DECIMAL = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** Human length of an episode: `45 s`, `12 min`, `2 h 5 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** Slack shows the date in each reader's time zone; the fallback is UTC. */
function formatDate(at: number, tokens: string): string {
  const iso = new Date(at).toISOString();
  const fallback =
    tokens === '{time}'
      ? `${iso.slice(11, 16)} UTC`
      : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `<!date^${Math.floor(at / 1000)}^${tokens}|${fallback}>`;
}

/** `@here` → `<!here>`, `S…` → a user group mention, `U…` → a user mention. */
export function formatMention(mention: string): string {
  const bare = mention.trim().replace(/^[@!]/, '');
  if (bare === '') return '';
  if (bare === 'here' || bare === 'channel' || bare === 'everyone') return `<!${bare}>`;
  if (/^S[A-Z0-9]+$/.test(bare)) return `<!subteam^${bare}>`;
  if (/^[UW][A-Z0-9]+$/.test(bare)) return `<@${bare}>`;
  return '';
}

/** Slack user ids become mentions; console-mode names are shown as text. */
function formatUser(user: string): string {
  return /^[UW][A-Z0-9]+$/.test(user) ? `<@${user}>` : escape(user);
}

/** Cuts `text` to `max` characters, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * User-provided text (titles, node names) cut to a length that leaves room for the rest of a
 * section, then escaped.
 */
function shown(text: string, max = 200): string {
  return escape(truncate(text, max));
}

/** mrkdwn control characters in user-provided text (titles, node names). */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function section(text: string): slack.SectionBlock {
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) },
  };
}

function context(text: string): slack.ContextBlock {
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) }],
  };
}

function plain(text: string): slack.PlainTextElement {
  return { type: 'plain_text', text: truncate(text, SLACK_LIMITS.buttonText), emoji: true };
}
