import type { DaemonProcess } from '../support/daemon-process';
import {
  CPU_KEY,
  episodeIdOf,
  isTransition,
  topLevel,
  waitForLine,
  waitUntil,
  Story,
} from './harness';

/**
 * Story: Slack rate limits the bridge. The post is retried from the durable outbox after the
 * Retry-After Slack asked for, and reaches the channel exactly once.
 */
describe('Slack rate limiting a post', () => {
  const story = Story.perBlock();
  let daemon: DaemonProcess;

  beforeAll(async () => {
    daemon = await story.startDaemon();
  });

  it('delivers the alert once after a 429 with Retry-After, and logs the retry for the alert key', async () => {
    story.slack.rateLimitNext('chat.postMessage', 2);

    story.netdata.setCpu(95);
    await waitForLine(daemon, isTransition(CPU_KEY, 'critical'), 'cpu turns critical');
    const retry = await waitForLine(
      daemon,
      (line) => line.event === 'notification.retry' && line.key === CPU_KEY,
      'the rate-limited post is scheduled again',
    );
    await waitUntil(() => topLevel(story.slack).length === 1, 'the alert is posted', daemon);
    await waitForLine(
      daemon,
      (line) => line.event === 'notification.delivered' && line.key === CPU_KEY,
      'the delivery is recorded',
    );

    // A few more cycles (and sender runs) give a doubled post the chance to show.
    await daemon.waitForMore((line) => line.event === 'cycle.completed', 3, 'three more cycles');

    expect(retry).toMatchObject({ nextInMs: 2_000, attempts: 1 });
    const [message] = topLevel(story.slack);
    expect(message?.metadata?.event_payload.key).toBe(CPU_KEY);
    expect(retry.episode).toBe(message && episodeIdOf(message));
    // One call answered 429 and one was accepted; nothing else started a message.
    const topLevelPosts = story.slack
      .calls('chat.postMessage')
      .filter((call) => call.params.thread_ts === undefined);
    expect(topLevelPosts).toHaveLength(2);
    expect(topLevel(story.slack)).toHaveLength(1);
    expect(daemon.events('notification.retry')).toHaveLength(1);
  }, 90_000);
});
