import type { DaemonProcess, LogLine } from '../support/daemon-process';
import { FakeSocketMode } from '../support/fake-socket-mode';
import {
  APP_TOKEN,
  CPU_KEY,
  clickPayload,
  episodeIdOf,
  isTransition,
  shownText,
  topLevel,
  waitForLine,
  waitUntil,
  Story,
} from './harness';

/**
 * Story: a Socket Mode daemon started while Slack does not answer polls anyway, as HTTP mode
 * does: transitions wait in the outbox, `/readyz` reports Slack not ready, and the socket
 * connects in the background once Slack answers. Stopping it while the socket is still failing
 * to connect ends the process cleanly.
 */
describe('a Socket Mode daemon started while Slack is down', () => {
  const story = Story.perTest({ appToken: APP_TOKEN });
  let socket: FakeSocketMode;

  beforeEach(async () => {
    socket = await FakeSocketMode.start(story.slack);
    story.onEnd(() => socket.close());
  });

  /** The Slack check of GET /readyz. */
  const slackReadiness = async (): Promise<unknown> => {
    const response = await fetch(`http://127.0.0.1:${story.httpPort}/readyz`);
    const report = (await response.json()) as { checks: { slack: unknown } };
    return report.checks.slack;
  };
  const isCycle = (line: LogLine): boolean => line.event === 'cycle.completed';
  const connectAttempts = (): number => story.slack.calls('apps.connections.open').length;

  it('polls, then connects the socket once Slack is back, posts the alert once and takes its click', async () => {
    story.slack.setDown(true);
    const daemon = await story.startDaemon();
    expect(daemon.events('slack.unreachable_at_start')).toHaveLength(1);
    await daemon.waitForMore(isCycle, 2, 'two more cycles while Slack is down');

    story.netdata.setCpu(95);
    await waitForLine(daemon, isTransition(CPU_KEY, 'critical'), 'cpu turns critical');
    await waitForLine(
      daemon,
      (line) => line.event === 'notification.retry' && line.key === CPU_KEY,
      'a delivery failed while Slack is down',
    );
    await waitUntil(() => connectAttempts() >= 2, 'the socket tried to connect again', daemon);
    expect(topLevel(story.slack)).toEqual([]);
    expect(daemon.events('slack.receiving')).toEqual([]);
    expect(await slackReadiness()).toMatchObject({ ok: false });

    story.slack.setDown(false);
    await socket.connected();
    await waitForLine(daemon, (line) => line.event === 'slack.receiving', 'the socket connects');
    expect(await slackReadiness()).toMatchObject({ ok: true });
    await waitUntil(() => topLevel(story.slack).length === 1, 'the alert is posted', daemon);
    await clickAcknowledge(daemon);
    await daemon.waitForMore(isCycle, 2, 'two more cycles after the click');

    expect(topLevel(story.slack)).toHaveLength(1);
    expect(daemon.events('slack.receive_failed')).toEqual([]);
  }, 120_000);

  it('stops on SIGTERM while the socket is still failing to connect, with exit code 0', async () => {
    story.slack.setDown(true);
    const daemon = await story.startDaemon();
    await waitUntil(() => connectAttempts() >= 2, 'the socket tried to connect twice', daemon);

    expect(await daemon.stop('SIGTERM')).toBe(0);

    await waitForLine(daemon, (line) => line.event === 'daemon.stopped', 'the daemon stopped');
    expect(daemon.events('daemon.unhandled_rejection')).toEqual([]);
    expect(daemon.events('slack.receiving')).toEqual([]);
  }, 60_000);

  /** Clicks Acknowledge on the one alert message, over the socket, and waits for it to show. */
  async function clickAcknowledge(daemon: DaemonProcess): Promise<void> {
    const posted = story.only();
    const episodeId = episodeIdOf(posted);

    // Resolves only when the daemon answers this envelope's id; unanswered, the test times out.
    await socket.sendInteractive(
      clickPayload(story.slack, { episodeId, messageTs: posted.ts, userId: 'U0BOB' }),
    );

    await waitUntil(
      () => shownText(story.only()).includes('Acknowledged by <@U0BOB>'),
      'the message shows the acknowledgement',
      daemon,
    );
    const acknowledged = await waitForLine(
      daemon,
      (line) => line.event === 'alert.acknowledged',
      'the acknowledgement is logged',
    );
    expect(acknowledged).toMatchObject({ key: CPU_KEY, user: 'U0BOB', episode: episodeId });
  }
});
