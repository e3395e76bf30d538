import type { DaemonProcess } from '../support/daemon-process';
import {
  CPU_KEY,
  colourOf,
  episodeIdOf,
  isTransition,
  startDaemon,
  startStack,
  topLevel,
  waitForLine,
  waitUntil,
  type Stack,
} from './harness';
import { startSlackProxy, type SlackProxy } from './slack-proxy';

/**
 * Story: "Durable alert state: restarts double nothing", at its narrowest point. Slack accepted
 * the post but the daemon died before it heard back, so the store never learnt the message's
 * ts. The restarted daemon must find that post (its metadata names the episode) and update it.
 */
describe('a daemon killed after Slack accepted a post it never heard back about', () => {
  let stack: Stack;
  let proxy: SlackProxy;
  let first: DaemonProcess | undefined;
  let second: DaemonProcess | undefined;

  beforeAll(async () => {
    stack = await startStack();
    proxy = await startSlackProxy(stack.slack.url);
    stack.env.SLACK_API_URL = proxy.url;
  });

  afterAll(async () => {
    await first?.stop('SIGKILL');
    await second?.stop();
    await proxy?.close();
    await stack?.close();
  });

  it('finds the earlier post after a restart and updates it instead of posting again', async () => {
    first = await startDaemon(stack);
    proxy.swallowAnswerToNext('chat.postMessage');
    stack.netdata.setCpu(95);
    await waitUntil(() => topLevel(stack.slack).length === 1, 'Slack has the post', first);
    const [posted] = topLevel(stack.slack);
    if (posted === undefined) throw new Error('no post');
    expect(first.events('slack.posted')).toEqual([]);

    await first.stop('SIGKILL');
    second = await startDaemon(stack);
    const recovered = await waitForLine(
      second,
      (line) => line.event === 'slack.post_recovered' && line.key === CPU_KEY,
      'the restarted daemon finds the earlier post',
    );
    expect(recovered).toMatchObject({ ts: posted.ts, episode: episodeIdOf(posted) });

    stack.netdata.setCpu(5);
    await waitForLine(second, isTransition(CPU_KEY, 'clear'), 'cpu clears');
    await waitUntil(
      () => colourOf(topLevel(stack.slack)[0]!) === '#2eb67d',
      'the earlier post turns resolved',
      second,
    );
    expect(topLevel(stack.slack)).toHaveLength(1);
    expect(topLevel(stack.slack)[0]?.ts).toBe(posted.ts);
  }, 120_000);
});
