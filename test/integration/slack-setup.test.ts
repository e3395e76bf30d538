import { Story, waitUntil } from './harness';

/**
 * Story: a daemon started while Slack is down keeps polling (see slack-outage.test.ts and, in
 * Socket Mode, socket-mode-outage.test.ts), but a setting Slack refuses still stops it at start,
 * with a message naming the setting to fix.
 */
describe('the Slack check at start', () => {
  const story = Story.perTest();

  it('stops the daemon when Slack does not know the channel, naming SLACK_CHANNEL', async () => {
    const daemon = story.spawnDaemon({ SLACK_CHANNEL: 'C0NOSUCHCHANNEL' });

    expect(await daemon.exitCode()).toBe(1);
    // stderr may still be draining when the exit is seen.
    const named = /SLACK_CHANNEL \(slack\.channel\) is "C0NOSUCHCHANNEL"/;
    await waitUntil(() => named.test(daemon.stderr.join('\n')), 'stderr names the setting', daemon);
    expect(daemon.events('daemon.started')).toEqual([]);
  }, 60_000);

  it('stops the daemon when Slack refuses the bot token, naming SLACK_BOT_TOKEN', async () => {
    const daemon = story.spawnDaemon({ SLACK_BOT_TOKEN: 'xoxb-not-the-right-one' });

    expect(await daemon.exitCode()).toBe(1);
    const named = /SLACK_BOT_TOKEN \(slack\.bot_token\) was refused/;
    await waitUntil(() => named.test(daemon.stderr.join('\n')), 'stderr names the setting', daemon);
    expect(daemon.stderr.join('\n')).not.toContain('xoxb-not-the-right-one');
  }, 60_000);
});
