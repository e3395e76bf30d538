import { startFakeSlack } from '../test/support/fake-slack';

/**
 * The fake Slack Web API in a process of its own, so that a benchmark measuring its own CPU
 * time does not count the fake's work. Prints its URL as one JSON line and runs until its
 * stdin closes (the parent exiting) or it gets SIGTERM.
 */
async function main(): Promise<void> {
  const fake = await startFakeSlack({
    botToken: process.env.FAKE_SLACK_BOT_TOKEN ?? 'xoxb-bench',
    channels: [{ id: process.env.FAKE_SLACK_CHANNEL ?? 'C0BENCH', name: 'bench', isMember: true }],
  });
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);

  const close = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.stdin.on('end', close).resume();
  process.once('SIGTERM', close);
}

void main();
