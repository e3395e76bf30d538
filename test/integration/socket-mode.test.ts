import type { DaemonProcess } from '../support/daemon-process';
import { FakeSocketMode } from '../support/fake-socket-mode';
import {
  APP_TOKEN,
  CPU_KEY,
  buttonsOf,
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
 * Story: "Slack: rich alerts with Acknowledge", in Socket Mode. With an app token the daemon
 * opens a WebSocket (the URL comes from apps.connections.open) and clicks arrive over it as
 * `interactive` envelopes, which the daemon must acknowledge or Slack retries them.
 */
describe('Slack alerts in Socket Mode', () => {
  const story = Story.perBlock({ appToken: APP_TOKEN });
  let socket: FakeSocketMode;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    socket = await FakeSocketMode.start(story.slack);
    story.onEnd(() => socket.close());
    daemon = await story.startDaemon();
    await socket.connected();
  });

  it('acknowledges a click that arrives as an interactive envelope and shows it on the message', async () => {
    expect(daemon.events('slack.receiving')).toContainEqual(
      expect.objectContaining({ mode: 'socket' }),
    );
    const opens = story.slack.calls('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((call) => call.token === APP_TOKEN)).toBe(true);

    story.netdata.setCpu(95);
    await waitForLine(daemon, isTransition(CPU_KEY, 'critical'), 'cpu turns critical');
    await waitUntil(() => topLevel(story.slack).length === 1, 'the alert is posted', daemon);
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
    expect(story.only().ts).toBe(posted.ts);
    expect(buttonsOf(story.only())).toContainEqual(
      expect.objectContaining({ action_id: 'alert_unack', value: episodeId }),
    );
    const acknowledged = await waitForLine(
      daemon,
      (line) => line.event === 'alert.acknowledged',
      'the acknowledgement is logged',
    );
    expect(acknowledged).toMatchObject({ key: CPU_KEY, user: 'U0BOB', episode: episodeId });
    expect(topLevel(story.slack)).toHaveLength(1);
  }, 90_000);
});
