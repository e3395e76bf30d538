import type { DaemonProcess } from '../support/daemon-process';
import type { FakeMessage } from '../support/fake-slack';
import { FakeSocketMode } from '../support/fake-socket-mode';
import {
  APP_TOKEN,
  CPU_KEY,
  buttonsOf,
  clickPayload,
  episodeIdOf,
  isTransition,
  shownText,
  startDaemon,
  startStack,
  topLevel,
  waitForLine,
  waitUntil,
  type Stack,
} from './harness';

/**
 * Story: "Slack: rich alerts with Acknowledge", in Socket Mode. With an app token the daemon
 * opens a WebSocket (the URL comes from apps.connections.open) and clicks arrive over it as
 * `interactive` envelopes, which the daemon must acknowledge or Slack retries them.
 */
describe('Slack alerts in Socket Mode', () => {
  let stack: Stack;
  let socket: FakeSocketMode;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    stack = await startStack({ appToken: APP_TOKEN });
    socket = await FakeSocketMode.start(stack.slack);
    daemon = await startDaemon(stack);
    await socket.connected();
  });

  afterAll(async () => {
    await daemon?.stop();
    await socket?.close();
    await stack?.close();
  });

  const only = (): FakeMessage => {
    const [message] = topLevel(stack.slack);
    if (message === undefined) throw new Error('no alert message in the channel');
    return message;
  };

  it('acknowledges a click that arrives as an interactive envelope and shows it on the message', async () => {
    expect(daemon.events('slack.receiving')).toContainEqual(
      expect.objectContaining({ mode: 'socket' }),
    );
    const opens = stack.slack.calls('apps.connections.open');
    expect(opens.length).toBeGreaterThanOrEqual(1);
    expect(opens.every((call) => call.token === APP_TOKEN)).toBe(true);

    stack.netdata.setCpu(95);
    await waitForLine(daemon, isTransition(CPU_KEY, 'critical'), 'cpu turns critical');
    await waitUntil(() => topLevel(stack.slack).length === 1, 'the alert is posted', daemon);
    const posted = only();
    const episodeId = episodeIdOf(posted);

    // Resolves only when the daemon answers this envelope's id; unanswered, the test times out.
    await socket.sendInteractive(
      clickPayload(stack.slack, { episodeId, messageTs: posted.ts, userId: 'U0BOB' }),
    );

    await waitUntil(
      () => shownText(only()).includes('Acknowledged by <@U0BOB>'),
      'the message shows the acknowledgement',
      daemon,
    );
    expect(only().ts).toBe(posted.ts);
    expect(buttonsOf(only())).toContainEqual(
      expect.objectContaining({ action_id: 'alert_unack', value: episodeId }),
    );
    const acknowledged = await waitForLine(
      daemon,
      (line) => line.event === 'alert.acknowledged',
      'the acknowledgement is logged',
    );
    expect(acknowledged).toMatchObject({ key: CPU_KEY, user: 'U0BOB', episode: episodeId });
    expect(topLevel(stack.slack)).toHaveLength(1);
  }, 90_000);
});
