import {
  CHANNEL,
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
 * Story: "Durable alert state: restarts lose nothing and double nothing". The daemon is killed
 * without warning (SIGKILL: no shutdown code runs) and started again on the same state file.
 */
describe('a daemon killed and started again on the same state file', () => {
  const story = Story.perTest();

  const ephemeralTo = (user: string): string[] =>
    story.slack
      .messages(CHANNEL)
      .filter((message) => message.ephemeralUser === user)
      .map((message) => message.text ?? '');

  it('keeps the episode, its message and its acknowledgement, and clears the original message', async () => {
    const first = await story.startDaemon({ stopWith: 'SIGKILL' });
    story.netdata.setCpu(95);
    await waitUntil(() => topLevel(story.slack).length === 1, 'the alert is posted', first);
    const posted = story.only();
    const episodeId = episodeIdOf(posted);
    const click = { episodeId, messageTs: posted.ts };
    expect((await postClick(story, { ...click, userId: 'U0ALICE' })).status).toBe(200);
    await waitUntil(
      () => shownText(story.only()).includes('Acknowledged by <@U0ALICE>'),
      'the message shows the acknowledgement',
      first,
    );

    await first.stop('SIGKILL');
    const second = await story.startDaemon();
    await second.waitForMore((line) => line.event === 'cycle.completed', 3, 'three cycles');

    // The alert stayed critical across the restart: no transition, no second post.
    expect(second.events('alert.transition')).toEqual([]);
    expect(topLevel(story.slack)).toHaveLength(1);
    expect(shownText(story.only())).toContain('Acknowledged by <@U0ALICE>');

    // The store still knows who acknowledged: a second click changes nothing and says why.
    expect((await postClick(story, { ...click, userId: 'U0BOB' })).status).toBe(200);
    await waitUntil(
      () =>
        ephemeralTo('U0BOB').some((text) => text.includes('Already acknowledged by <@U0ALICE>')),
      'the second click is told who acknowledged before the restart',
      second,
    );

    // The buttons of the message posted before the restart still work.
    const unack = { ...click, userId: 'U0ALICE', actionId: 'alert_unack' };
    expect((await postClick(story, unack)).status).toBe(200);
    await waitUntil(
      () => buttonsOf(story.only()).some((button) => button.action_id === 'alert_ack'),
      'the message offers Acknowledge again',
      second,
    );
    const unacknowledged = await waitForLine(
      second,
      (line) => line.event === 'alert.unacknowledged',
      'the withdrawn acknowledgement is logged',
    );
    expect(unacknowledged).toMatchObject({ key: CPU_KEY, user: 'U0ALICE', episode: episodeId });

    story.netdata.setCpu(5);
    await waitForLine(second, isTransition(CPU_KEY, 'clear'), 'cpu clears');
    await waitUntil(
      () => colourOf(story.only()) === '#2eb67d',
      'the message turns resolved',
      second,
    );
    expect(story.only().ts).toBe(posted.ts);
    expect(shownText(story.only())).toContain('Resolved');
    expect(topLevel(story.slack)).toHaveLength(1);
  }, 120_000);

  it('shows an acknowledgement recorded while Slack was down, after a kill before its update', async () => {
    const first = await story.startDaemon({ stopWith: 'SIGKILL' });
    story.netdata.setCpu(95);
    await waitUntil(() => topLevel(story.slack).length === 1, 'the alert is posted', first);
    const posted = story.only();
    const episodeId = episodeIdOf(posted);

    story.slack.setDown(true);
    const fromLine = first.lines.length;
    const click = { episodeId, messageTs: posted.ts, userId: 'U0ALICE' };
    expect((await postClick(story, click)).status).toBe(200);
    await waitForLine(
      first,
      (line) => line.event === 'notification.retry' && line.key === CPU_KEY,
      'the update after the click fails',
      fromLine,
    );
    expect(shownText(story.only())).not.toContain('Acknowledged by');

    await first.stop('SIGKILL');
    story.slack.setDown(false);
    const second = await story.startDaemon();

    await waitUntil(
      () => shownText(story.only()).includes('Acknowledged by <@U0ALICE>'),
      'the message shows the acknowledgement recorded before the kill',
      second,
    );
    expect(story.only().ts).toBe(posted.ts);
    expect(topLevel(story.slack)).toHaveLength(1);
  }, 120_000);
});
