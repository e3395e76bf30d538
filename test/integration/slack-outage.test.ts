import {
  CHANNEL,
  CPU_KEY,
  colourOf,
  episodeIdOf,
  isTransition,
  shownText,
  topLevel,
  waitForLine,
  waitUntil,
  Story,
} from './harness';

/**
 * Story: "Durable alert state: Slack outages lose nothing and double nothing". Transitions
 * happen while Slack answers 503; the daemon is killed before Slack returns; once both are
 * back, each episode is told once, in order, as one message and at most one thread reply.
 */
describe('a Slack outage spanning a kill of the daemon', () => {
  const story = Story.perTest();

  /** The Slack check of GET /readyz. */
  const slackReadiness = async (): Promise<unknown> => {
    const response = await fetch(`http://127.0.0.1:${story.httpPort}/readyz`);
    const report = (await response.json()) as { checks: { slack: unknown } };
    return report.checks.slack;
  };

  it('delivers every episode once and in order, each story in one message and one reply', async () => {
    const first = await story.startDaemon({ stopWith: 'SIGKILL' });
    story.slack.setDown(true);
    const outage = first.lines.length;
    const cpuGoes = async (percent: number, to: string): Promise<void> => {
      story.netdata.setCpu(percent);
      await waitForLine(first, isTransition(CPU_KEY, to), `cpu goes ${to}`, outage);
    };
    await cpuGoes(85, 'warning');
    await cpuGoes(95, 'critical');
    await cpuGoes(5, 'clear');
    await cpuGoes(95, 'critical');
    await waitForLine(
      first,
      (line) => line.event === 'notification.retry' && line.key === CPU_KEY,
      'a delivery failed while Slack is down',
      outage,
    );
    expect(topLevel(story.slack)).toEqual([]);

    await first.stop('SIGKILL');
    story.slack.setDown(false);
    const second = await story.startDaemon();
    await waitUntil(() => topLevel(story.slack).length === 2, 'both episodes are posted', second);
    await second.waitForMore((line) => line.event === 'cycle.completed', 3, 'three more cycles');

    const [ended, ongoing] = topLevel(story.slack);
    if (ended === undefined || ongoing === undefined) throw new Error('two messages expected');
    expect(topLevel(story.slack)).toHaveLength(2);
    expect(episodeIdOf(ended)).not.toBe(episodeIdOf(ongoing));

    // The first episode, told whole: resolved, peak critical, and one reply with its changes.
    expect(colourOf(ended)).toBe('#2eb67d');
    expect(shownText(ended)).toContain('peak: critical');
    const replies = story.slack.replies(CHANNEL, ended.ts);
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toMatch(/warning → critical at 95 %[^\n]*\n[^\n]* resolved after/);

    // The second episode has a message of its own, still critical, with nothing in its thread.
    expect(colourOf(ongoing)).toBe('#d72b3f');
    expect(story.slack.replies(CHANNEL, ongoing.ts)).toEqual([]);
  }, 120_000);

  it('starts while Slack is down, records transitions, and delivers them once Slack is back', async () => {
    story.slack.setDown(true);
    const second = await story.startDaemon();
    expect(second.events('slack.unreachable_at_start')).toHaveLength(1);
    expect(await slackReadiness()).toMatchObject({ ok: false });

    const cpuGoes = async (percent: number, to: string): Promise<void> => {
      story.netdata.setCpu(percent);
      await waitForLine(second, isTransition(CPU_KEY, to), `cpu goes ${to}`);
    };
    await cpuGoes(95, 'critical');
    await cpuGoes(5, 'clear');
    await cpuGoes(95, 'critical');
    expect(topLevel(story.slack)).toEqual([]);

    story.slack.setDown(false);
    await waitUntil(() => topLevel(story.slack).length === 2, 'both episodes are posted', second);
    await second.waitForMore((line) => line.event === 'cycle.completed', 3, 'three more cycles');

    const [ended, ongoing] = topLevel(story.slack);
    expect(topLevel(story.slack)).toHaveLength(2);
    expect(ended && colourOf(ended)).toBe('#2eb67d');
    expect(ongoing && colourOf(ongoing)).toBe('#d72b3f');
    expect(await slackReadiness()).toMatchObject({ ok: true });
  }, 120_000);
});
