import { PassThrough } from 'node:stream';

import type { DeliveryRequest } from '../../../src/alerts/notifier';
import type { Episode, MessageRef, TimelineEntry } from '../../../src/alerts/types';
import { createLogger, type Logger } from '../../../src/logging/logger';
import { alertIdentity } from '../../../src/rules/types';
import { ALERT_EVENT_TYPE, SlackNotifier } from '../../../src/slack/notifier';
import { createWebClient } from '../../../src/slack/web-client';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';

const TOKEN = 'xoxb-notifier-test-secret-token';
const CHANNEL = 'C0ALERTS';
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

const opened: TimelineEntry = {
  kind: 'transition',
  from: 'clear',
  to: 'warning',
  value: 83,
  threshold: 80,
  seq: 1,
  at: START,
  posted: false,
};

function episode(overrides: Partial<Episode> = {}): Episode {
  return {
    id: 'ep-42',
    identity: alertIdentity('web1', 'cpu', 'system.cpu'),
    ruleTitle: 'CPU utilization',
    units: '%',
    startedAt: START,
    endedAt: undefined,
    severity: 'warning',
    peakSeverity: 'warning',
    lastValue: 83,
    threshold: 80,
    acknowledgement: undefined,
    message: undefined,
    postAttemptedAt: undefined,
    timeline: [opened],
    ...overrides,
  };
}

/** The same episode as a retry sees it: an earlier attempt to post was recorded. */
const ATTEMPTED = { postAttemptedAt: START + 30_000 };

function request(ep: Episode, unposted: TimelineEntry[]): DeliveryRequest {
  return {
    episode: ep,
    unposted,
    recentValues: [70, 75, 83],
    chartUrl: undefined,
    now: START + 60_000,
  };
}

describe('SlackNotifier against the fake Slack', () => {
  let slack: FakeSlack;
  let logged: string[];
  let logger: Logger;
  let notifier: SlackNotifier;

  function notifierFor(channel: string): SlackNotifier {
    const client = createWebClient({ token: TOKEN, apiUrl: slack.url, timeoutMs: 2000, logger });
    return new SlackNotifier({ client, channel, mentionOnCritical: '@here', logger });
  }

  function topLevel(): ReturnType<FakeSlack['messages']> {
    return slack.messages(CHANNEL).filter((m) => m.thread_ts === undefined);
  }

  function logLines(): Record<string, unknown>[] {
    return logged
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  beforeEach(async () => {
    slack = await startFakeSlack({
      botToken: TOKEN,
      channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
      // Message timestamps follow the episode, not the machine's clock.
      clock: () => START + 30_000,
    });
    logged = [];
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => logged.push(chunk.toString('utf8')));
    logger = createLogger({ level: 'debug', format: 'json', stream });
    notifier = notifierFor(CHANNEL);
  });

  afterEach(async () => {
    await slack.close();
  });

  it('posts the first delivery once, tagged with the episode, and reports the ref before returning', async () => {
    const refs: MessageRef[] = [];

    const result = await notifier.deliver(request(episode(), [opened]), (ref) => refs.push(ref));

    expect(topLevel()).toHaveLength(1);
    const posted = topLevel()[0];
    expect(posted?.metadata).toEqual({
      event_type: ALERT_EVENT_TYPE,
      event_payload: { episode_id: 'ep-42', key: 'web1/cpu/system.cpu' },
    });
    expect(refs).toEqual([{ channel: CHANNEL, ts: posted?.ts }]);
    expect(result).toEqual({ ok: true, message: refs[0], postedSeqs: [1] });
    expect(slack.messages(CHANNEL).filter((m) => m.thread_ts !== undefined)).toHaveLength(0);
    expect(logLines()).toContainEqual(
      expect.objectContaining({ event: 'slack.posted', key: 'web1/cpu/system.cpu' }),
    );
  });

  it('posts a first delivery never attempted before without reading the channel history', async () => {
    const result = await notifier.deliver(request(episode(), [opened]), () => undefined);

    expect(result.ok).toBe(true);
    expect(slack.calls('conversations.history')).toHaveLength(0);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    expect(topLevel()).toHaveLength(1);
  });

  it('posts once when an earlier attempt left nothing in the channel', async () => {
    const refs: MessageRef[] = [];

    const result = await notifier.deliver(request(episode(ATTEMPTED), [opened]), (ref) =>
      refs.push(ref),
    );

    expect(slack.calls('conversations.history')).toHaveLength(1);
    expect(topLevel()).toHaveLength(1);
    expect(refs).toEqual([{ channel: CHANNEL, ts: topLevel()[0]?.ts }]);
    expect(result).toEqual({ ok: true, message: refs[0], postedSeqs: [1] });
    expect(logLines()).not.toContainEqual(
      expect.objectContaining({ event: 'slack.post_recovered' }),
    );
  });

  it('updates the same message and coalesces waiting lines into one thread reply', async () => {
    const first = await notifier.deliver(request(episode(), [opened]), () => undefined);
    const message = first.ok ? first.message : undefined;
    const escalated: TimelineEntry = {
      kind: 'transition',
      from: 'warning',
      to: 'critical',
      value: 92.4,
      threshold: 90,
      seq: 2,
      at: START + 60_000,
      posted: false,
    };
    const acked: TimelineEntry = {
      kind: 'acknowledged',
      user: 'U7',
      seq: 3,
      at: START + 120_000,
      posted: false,
    };
    const later = episode({
      message,
      severity: 'critical',
      lastValue: 92.4,
      threshold: 90,
      acknowledgement: { user: 'U7', at: START + 120_000 },
      timeline: [{ ...opened, posted: true }, escalated, acked],
    });

    const result = await notifier.deliver(request(later, [escalated, acked]), () => undefined);

    expect(result).toEqual({ ok: true, message, postedSeqs: [2, 3] });
    expect(topLevel()).toHaveLength(1);
    expect(slack.calls('chat.update').map((c) => c.params.ts)).toEqual([message?.ts]);
    expect(topLevel()[0]?.attachments).toEqual([expect.objectContaining({ color: '#d72b3f' })]);
    const replies = slack.replies(CHANNEL, message?.ts ?? '');
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text?.split('\n')).toEqual([
      expect.stringContaining('warning → critical at 92.4 % (above 90 %)'),
      expect.stringContaining('acknowledged by <@U7>'),
    ]);
  });

  it('reuses a post accepted before a crash instead of posting a second time', async () => {
    await notifier.deliver(request(episode(), [opened]), () => undefined);
    const refs: MessageRef[] = [];

    // The store recorded the attempt but never the ref, so the episode still has no message.
    const result = await notifier.deliver(request(episode(ATTEMPTED), [opened]), (ref) =>
      refs.push(ref),
    );

    expect(slack.calls('conversations.history')).toHaveLength(1);
    expect(slack.calls('chat.postMessage')).toHaveLength(1);
    expect(topLevel()).toHaveLength(1);
    expect(refs).toEqual([{ channel: CHANNEL, ts: topLevel()[0]?.ts }]);
    expect(slack.calls('chat.update')).toHaveLength(1);
    expect(result.ok).toBe(true);
    expect(logLines()).toContainEqual(
      expect.objectContaining({
        event: 'slack.post_recovered',
        key: 'web1/cpu/system.cpu',
        ts: topLevel()[0]?.ts,
      }),
    );
  });

  it('posts a new message when the old one was deleted', async () => {
    const gone = episode({ message: { channel: CHANNEL, ts: '1.000001' } });
    const refs: MessageRef[] = [];

    const result = await notifier.deliver(request(gone, []), (ref) => refs.push(ref));

    expect(topLevel()).toHaveLength(1);
    expect(refs).toEqual([{ channel: CHANNEL, ts: topLevel()[0]?.ts }]);
    expect(result.ok).toBe(true);
  });

  it('still posts a retried first post when the app may not read the channel history', async () => {
    slack.failNext('conversations.history', 'missing_scope');

    const result = await notifier.deliver(request(episode(ATTEMPTED), [opened]), () => undefined);

    expect(result.ok).toBe(true);
    expect(topLevel()).toHaveLength(1);
    expect(logLines()).toContainEqual(
      expect.objectContaining({ event: 'slack.history_unavailable', key: 'web1/cpu/system.cpu' }),
    );
  });

  it('returns the Retry-After of a rate-limited post as retryAfterMs', async () => {
    slack.rateLimitNext('chat.postMessage', 7);

    const result = await notifier.deliver(request(episode(), [opened]), () => undefined);

    expect(result).toEqual({
      ok: false,
      permanent: false,
      retryAfterMs: 7000,
      error: expect.stringContaining('ratelimited'),
    });
  });

  it('reports an unknown channel as permanent', async () => {
    const result = await notifierFor('C0MISSING').deliver(
      request(episode(), [opened]),
      () => undefined,
    );

    expect(result).toEqual({
      ok: false,
      permanent: true,
      retryAfterMs: undefined,
      error: 'channel_not_found',
    });
  });

  it.each(['503', 'reset'] as const)('reports Slack being down (%s) as transient', async (how) => {
    slack.setDown(true, how);

    const result = await notifier.deliver(request(episode(), [opened]), () => undefined);

    expect(result).toMatchObject({ ok: false, permanent: false, retryAfterMs: undefined });
    expect(logLines()).toContainEqual(
      expect.objectContaining({
        event: 'slack.delivery_failed',
        key: 'web1/cpu/system.cpu',
        permanent: false,
      }),
    );
  });

  it('never writes the token to a log line or a result', async () => {
    const results = [await notifier.deliver(request(episode(), [opened]), () => undefined)];
    slack.failNext('chat.update', 'invalid_auth');
    results.push(await notifier.deliver(request(episode(ATTEMPTED), [opened]), () => undefined));
    slack.setDown(true, 'reset');
    results.push(await notifier.deliver(request(episode(ATTEMPTED), [opened]), () => undefined));

    expect(logLines().length).toBeGreaterThan(3);
    expect(logged.join('')).not.toContain(TOKEN);
    expect(JSON.stringify(results)).not.toContain(TOKEN);
    expect(JSON.stringify(slack.messages(CHANNEL))).not.toContain(TOKEN);
  });
});
