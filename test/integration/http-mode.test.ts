import type { DaemonProcess } from '../support/daemon-process';
import {
  BOT_TOKEN,
  CHANNEL,
  SIGNING_SECRET,
  CPU_KEY,
  buttonsOf,
  colourOf,
  episodeIdOf,
  isTransition,
  postClick,
  shownText,
  topLevel,
  waitForLine,
  waitUntil,
  Story,
} from './harness';

/**
 * Story: "Slack: rich alerts with Acknowledge", in HTTP mode. The built daemon polls a Netdata
 * stand-in, posts to a Slack stand-in and receives signed clicks on POST /slack/events.
 */
describe('Slack alerts in HTTP mode', () => {
  const story = Story.perBlock();
  let daemon: DaemonProcess;

  beforeAll(async () => {
    daemon = await story.startDaemon();
  });

  it('posts one message per episode, acknowledges signed clicks only, and resolves in place', async () => {
    story.netdata.setCpu(95);
    await waitForLine(daemon, isTransition(CPU_KEY, 'critical'), 'cpu turns critical');
    await waitUntil(() => topLevel(story.slack).length === 1, 'the alert is posted', daemon);

    const posted = story.only();
    const episodeId = episodeIdOf(posted);
    expect(posted.metadata).toEqual({
      event_type: 'netdata_bridge_alert',
      event_payload: { episode_id: episodeId, key: CPU_KEY },
    });
    expect(colourOf(posted)).toBe('#d72b3f');
    expect(shownText(posted)).toContain('Critical: CPU utilization');
    expect(buttonsOf(posted)).toContainEqual(
      expect.objectContaining({ action_id: 'alert_ack', value: episodeId }),
    );

    const click = { episodeId, messageTs: posted.ts, userId: 'U0ALICE' };
    const forged = await postClick(story, { ...click, secret: 'not-the-signing-secret' });
    const stale = await postClick(story, { ...click, signedAt: Date.now() - 6 * 60_000 });
    expect(forged.status).toBe(401);
    expect(stale.status).toBe(401);
    // The answer can arrive before the daemon's log line about it does.
    await waitForLine(
      daemon,
      (line) => line.reason === 'stale_timestamp',
      'the stale click is logged',
    );
    expect(daemon.events('slack.request_rejected').map((line) => line.reason)).toEqual([
      'bad_signature',
      'stale_timestamp',
    ]);
    expect(daemon.events('alert.acknowledged')).toEqual([]);
    expect(story.only().edited).toBeUndefined();

    const signed = await postClick(story, click);
    expect(signed.status).toBe(200);
    await waitUntil(
      () => shownText(story.only()).includes('Acknowledged by <@U0ALICE>'),
      'the message shows the acknowledgement',
      daemon,
    );
    expect(story.only().ts).toBe(posted.ts);
    expect(buttonsOf(story.only())).toContainEqual(
      expect.objectContaining({ action_id: 'alert_unack', value: episodeId }),
    );
    expect(buttonsOf(story.only()).map((button) => button.action_id)).not.toContain('alert_ack');
    const acknowledged = await waitForLine(
      daemon,
      (line) => line.event === 'alert.acknowledged',
      'the acknowledgement is logged',
    );
    expect(acknowledged).toMatchObject({ key: CPU_KEY, user: 'U0ALICE', episode: episodeId });

    story.netdata.setCpu(5);
    await waitForLine(daemon, isTransition(CPU_KEY, 'clear'), 'cpu clears');
    await waitUntil(
      () => colourOf(story.only()) === '#2eb67d' && thread(posted.ts).includes('resolved'),
      'the same message turns resolved and the thread tells the clear',
      daemon,
    );

    expect(story.only().ts).toBe(posted.ts);
    expect(shownText(story.only())).toContain('Resolved');
    expect(shownText(story.only())).toContain('Acknowledged by <@U0ALICE>');
    expect(buttonsOf(story.only()).map((button) => button.action_id)).not.toContain('alert_unack');
    expect(thread(posted.ts)).toMatch(/acknowledged by <@U0ALICE>/);
    expect(thread(posted.ts)).toMatch(/resolved after \d+ s at 5 %/);
    expect(topLevel(story.slack)).toHaveLength(1);
  }, 90_000);

  it('writes neither the bot token nor the signing secret in any log line', () => {
    const everything = [...daemon.lines.map((line) => JSON.stringify(line)), ...daemon.stderr];

    expect(everything.length).toBeGreaterThan(10);
    expect(everything.filter((text) => text.includes(BOT_TOKEN))).toEqual([]);
    expect(everything.filter((text) => text.includes(SIGNING_SECRET))).toEqual([]);
  });

  /** The thread under `ts`, all replies joined. */
  function thread(ts: string): string {
    return story.slack
      .replies(CHANNEL, ts)
      .map((reply) => reply.text ?? '')
      .join('\n');
  }
});
