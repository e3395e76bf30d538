import type { types as slack } from '@slack/bolt';

import type { Episode, TimelineEntry } from '../../../src/alerts/types';
import { alertIdentity } from '../../../src/rules/types';
import {
  formatDuration,
  formatMention,
  renderEpisode,
  renderThreadReply,
  renderTimelineLine,
  SLACK_LIMITS,
  type RenderInput,
} from '../../../src/slack/render';
import { sparkline } from '../../../src/slack/sparkline';

const START = Date.UTC(2026, 0, 5, 9, 2, 0);
const MINUTE = 60_000;

function episode(overrides: Partial<Episode> = {}): Episode {
  return {
    id: 'ep-1',
    identity: alertIdentity('web1', 'cpu', 'system.cpu'),
    ruleTitle: 'CPU utilization',
    units: '%',
    startedAt: START,
    endedAt: undefined,
    severity: 'critical',
    peakSeverity: 'critical',
    lastValue: 92.4,
    threshold: 90,
    acknowledgement: undefined,
    message: undefined,
    timeline: [],
    ...overrides,
  };
}

function input(overrides: Partial<RenderInput> = {}): RenderInput {
  return {
    episode: episode(),
    recentValues: [60, 70, 80, 92.4],
    chartUrl: 'http://127.0.0.1:19999/#menu_system;chart=system.cpu',
    mentionOnCritical: '',
    now: START + 12 * MINUTE,
    ...overrides,
  };
}

function details(rendered: ReturnType<typeof renderEpisode>): slack.KnownBlock[] {
  return (rendered.attachments[0]?.blocks ?? []) as slack.KnownBlock[];
}

function buttons(rendered: ReturnType<typeof renderEpisode>): slack.Button[] {
  const actions = details(rendered).find((b): b is slack.ActionsBlock => b.type === 'actions');
  return (actions?.elements ?? []) as slack.Button[];
}

function allText(rendered: ReturnType<typeof renderEpisode>): string {
  return JSON.stringify([rendered.blocks, rendered.attachments]);
}

describe('renderEpisode', () => {
  it('draws a critical alert red with an Acknowledge button carrying the episode id', () => {
    const rendered = renderEpisode(input());

    expect(rendered.attachments[0]?.color).toBe('#d72b3f');
    expect(rendered.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: ':red_circle: Critical: CPU utilization' },
    });
    expect(buttons(rendered).map((b) => [b.action_id, b.value, b.style])).toEqual([
      ['alert_ack', 'ep-1', 'primary'],
      ['alert_open_chart', undefined, undefined],
    ]);
    expect(buttons(rendered)[1]?.url).toBe('http://127.0.0.1:19999/#menu_system;chart=system.cpu');
  });

  it('states the value against the crossed threshold and since when', () => {
    const rendered = renderEpisode(input());

    expect(allText(rendered)).toContain('92.4 % (critical above 90 %)');
    expect(allText(rendered)).toContain(
      `since <!date^${START / 1000}^{date_short_pretty} {time}|2026-01-05 09:02 UTC>`,
    );
  });

  it('draws a warning amber with an orange circle', () => {
    const rendered = renderEpisode(
      input({ episode: episode({ severity: 'warning', lastValue: 82, threshold: 80 }) }),
    );

    expect(rendered.attachments[0]?.color).toBe('#f2c744');
    expect(rendered.text).toContain(':large_orange_circle: Warning');
    expect(rendered.text).toContain('82 % (warning above 80 %)');
  });

  it('says "below" for a low-side threshold', () => {
    const rendered = renderEpisode(
      input({ episode: episode({ lastValue: 3, threshold: 5, units: 'GiB' }) }),
    );

    expect(rendered.text).toContain('3 GiB (critical below 5 GiB)');
  });

  it('gives a plain fallback text with severity, title, node, instance and value', () => {
    const rendered = renderEpisode(input());

    expect(rendered.text).toBe(
      ':red_circle: Critical: CPU utilization on web1 (system.cpu): 92.4 % (critical above 90 %)',
    );
  });

  it('includes a sparkline of the recent values', () => {
    const rendered = renderEpisode(input({ recentValues: [1, 2, 3, 4, 5, 6, 7, 8] }));

    expect(allText(rendered)).toContain('▁▂▃▄▅▆▇█');
  });

  it('leaves the chart button out when there is no chart URL', () => {
    const rendered = renderEpisode(input({ chartUrl: undefined }));

    expect(buttons(rendered).map((b) => b.action_id)).toEqual(['alert_ack']);
  });

  it('offers Unacknowledge and names who acknowledged once acknowledged', () => {
    const ack = { user: 'U123', at: START + 3 * MINUTE };
    const rendered = renderEpisode(input({ episode: episode({ acknowledgement: ack }) }));

    expect(buttons(rendered)[0]).toMatchObject({ action_id: 'alert_unack', value: 'ep-1' });
    expect(allText(rendered)).toContain(
      `Acknowledged by <@U123> at <!date^${ack.at / 1000}^{time}|09:05 UTC>`,
    );
    expect(allText(rendered)).not.toContain('alert_ack"');
  });

  it.each([
    ['@here', '<!here>'],
    ['@channel', '<!channel>'],
    ['S123', '<!subteam^S123>'],
  ])('mentions %s on a critical alert in the text and a block', (setting, mention) => {
    const rendered = renderEpisode(input({ mentionOnCritical: setting }));

    expect(rendered.text.startsWith(`${mention} `)).toBe(true);
    expect(JSON.stringify(rendered.blocks)).toContain(mention);
  });

  it('does not mention anyone on a warning', () => {
    const rendered = renderEpisode(
      input({ mentionOnCritical: '@here', episode: episode({ severity: 'warning' }) }),
    );

    expect(allText(rendered) + rendered.text).not.toContain('<!here>');
  });

  it('turns a resolved episode green, says how long it lasted and who acknowledged, without ack buttons', () => {
    const ended = episode({
      severity: 'clear',
      endedAt: START + 12 * MINUTE,
      acknowledgement: { user: 'U123', at: START + MINUTE },
    });
    const rendered = renderEpisode(input({ episode: ended, mentionOnCritical: '@here' }));

    expect(rendered.attachments[0]?.color).toBe('#2eb67d');
    expect(rendered.text).toBe(
      ':white_check_mark: Resolved: CPU utilization on web1 (system.cpu) after 12 min',
    );
    expect(allText(rendered)).toContain('after 12 min');
    expect(allText(rendered)).toContain('Acknowledged by <@U123>');
    expect(buttons(rendered).map((b) => b.action_id)).toEqual(['alert_open_chart']);
    expect(allText(rendered)).not.toContain('<!here>');
  });

  it('notes a rule removed from the config on the resolved message', () => {
    const removed: TimelineEntry = {
      kind: 'rule_removed',
      seq: 2,
      at: START + MINUTE,
      posted: false,
    };
    const ended = episode({ severity: 'critical', endedAt: START + MINUTE, timeline: [removed] });
    const rendered = renderEpisode(input({ episode: ended }));

    expect(rendered.attachments[0]?.color).toBe('#2eb67d');
    expect(allText(rendered)).toContain('rule removed from the config');
  });

  it('truncates long titles and node names with an ellipsis within Slack limits', () => {
    const long = 'x'.repeat(5000);
    const rendered = renderEpisode(
      input({
        episode: episode({ ruleTitle: long, identity: alertIdentity(long, 'cpu', long) }),
        mentionOnCritical: '@here',
      }),
    );

    const header = rendered.blocks[0] as slack.HeaderBlock;
    expect(header.text.text).toHaveLength(SLACK_LIMITS.headerText);
    expect(header.text.text.endsWith('…')).toBe(true);
    expect(rendered.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    const sections = [...rendered.blocks, ...details(rendered)].filter(
      (b): b is slack.SectionBlock => b.type === 'section',
    );
    for (const block of sections)
      expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(rendered.blocks.length + details(rendered).length).toBeLessThanOrEqual(
      SLACK_LIMITS.blocks,
    );
  });

  it('escapes mrkdwn control characters in user-provided names', () => {
    const rendered = renderEpisode(
      input({ episode: episode({ identity: alertIdentity('<!here>', 'cpu', 'a&b') }) }),
    );

    expect(JSON.stringify(details(rendered))).toContain('&lt;!here&gt;');
    expect(JSON.stringify(details(rendered))).not.toContain('<!here>');
  });

  it('says "no data" when the alert has no value', () => {
    const rendered = renderEpisode(input({ episode: episode({ lastValue: undefined }) }));

    expect(rendered.text).toContain(': no data');
  });
});

describe('renderTimelineLine', () => {
  const at = Date.UTC(2026, 0, 5, 9, 14, 0);
  const time = `<!date^${at / 1000}^{time}|09:14 UTC>`;

  it('tells a transition with its value and threshold', () => {
    const entry: TimelineEntry = {
      kind: 'transition',
      from: 'warning',
      to: 'critical',
      value: 92.4,
      threshold: 90,
      seq: 2,
      at,
      posted: false,
    };

    expect(renderTimelineLine(entry, '%')).toBe(
      `${time} warning → critical at 92.4 % (above 90 %)`,
    );
  });

  it('tells an acknowledgement with a user mention', () => {
    const entry: TimelineEntry = { kind: 'acknowledged', user: 'U1', seq: 3, at, posted: false };

    expect(renderTimelineLine(entry, '%')).toBe(`${time} acknowledged by <@U1>`);
  });

  it('tells a resolution with how long the episode lasted', () => {
    const entry: TimelineEntry = {
      kind: 'transition',
      from: 'critical',
      to: 'clear',
      value: 70,
      threshold: 85,
      seq: 4,
      at,
      posted: false,
    };

    expect(renderTimelineLine(entry, '%', at - 12 * MINUTE)).toBe(
      `${time} resolved after 12 min at 70 %`,
    );
  });

  it('keeps the newest lines of a reply too long for Slack', () => {
    const entries: TimelineEntry[] = Array.from({ length: 200 }, (_, i) => ({
      kind: 'acknowledged',
      user: 'U'.padEnd(40, 'X'),
      seq: i + 1,
      at,
      posted: false,
    }));

    const reply = renderThreadReply(entries, '%');

    expect(reply.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
    expect(reply.split('\n')[0]).toMatch(/^… \d+ earlier lines left out$/);
  });
});

describe('sparkline', () => {
  it('scales between the lowest and highest value', () => {
    expect(sparkline([0, 50, 100])).toBe('▁▅█');
  });

  it('draws a flat series at mid height and gaps as spaces', () => {
    expect(sparkline([5, Number.NaN, 5])).toBe('▄ ▄');
  });

  it('draws only the newest values that fit the width', () => {
    expect(sparkline([100, 0, 1], 2)).toBe('▁█');
  });

  it('is empty without values', () => {
    expect(sparkline([])).toBe('');
  });
});

describe('formatDuration and formatMention', () => {
  it.each([
    [45_000, '45 s'],
    [12 * MINUTE, '12 min'],
    [125 * MINUTE, '2 h 5 min'],
    [(3 * 24 + 4) * 60 * MINUTE, '3 d 4 h'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('ignores a mention setting it does not understand', () => {
    expect(formatMention('everybody please')).toBe('');
  });
});
