import {
  CPU_KEY,
  colourOf,
  episodeIdOf,
  isTransition,
  topLevel,
  waitForLine,
  waitUntil,
  Story,
} from './harness';
import { startSlackProxy, type SlackProxy } from './slack-proxy';

/**
 * Story: "Durable alert state: restarts double nothing", at its narrowest point. Slack accepted
 * the post but the daemon died before it heard back, so the store never learnt the message's
 * ts. The restarted daemon must find that post (its metadata names the episode) and update it.
 */
describe('a daemon killed after Slack accepted a post it never heard back about', () => {
  const story = Story.perBlock();
  let proxy: SlackProxy;

  beforeAll(async () => {
    proxy = await startSlackProxy(story.slack.url);
    story.onEnd(() => proxy.close());
    story.stack.env.SLACK_API_URL = proxy.url;
  });

  it('finds the earlier post after a restart and updates it instead of posting again', async () => {
    const first = await story.startDaemon({ stopWith: 'SIGKILL' });
    proxy.swallowAnswerToNext('chat.postMessage');
    story.netdata.setCpu(95);
    await waitUntil(() => topLevel(story.slack).length === 1, 'Slack has the post', first);
    const [posted] = topLevel(story.slack);
    if (posted === undefined) throw new Error('no post');
    expect(first.events('slack.posted')).toEqual([]);

    await first.stop('SIGKILL');
    const second = await story.startDaemon();
    const recovered = await waitForLine(
      second,
      (line) => line.event === 'slack.post_recovered' && line.key === CPU_KEY,
      'the restarted daemon finds the earlier post',
    );
    expect(recovered).toMatchObject({ ts: posted.ts, episode: episodeIdOf(posted) });

    story.netdata.setCpu(5);
    await waitForLine(second, isTransition(CPU_KEY, 'clear'), 'cpu clears');
    await waitUntil(
      () => colourOf(topLevel(story.slack)[0]!) === '#2eb67d',
      'the earlier post turns resolved',
      second,
    );
    expect(topLevel(story.slack)).toHaveLength(1);
    expect(topLevel(story.slack)[0]?.ts).toBe(posted.ts);
  }, 120_000);
});
