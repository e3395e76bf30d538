import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import { startFakeSlack, type FakeSlack } from '../../support/fake-slack';
import type { LogLine } from '../../support/daemon-process';
import { cpuTransitionTo, OpsRun } from './harness';

const KEY = 'test-node/cpu/system.cpu';
const CHANNEL = 'C0ALERTS';
const BOT_TOKEN = 'xoxb-reload-test-bot-token';
const SIGNING_SECRET = 'reload-test-signing-secret';

/** A second rule on the same chart, only in the user's file, so removing it removes the rule. */
const CPU_USER_RULE = `  cpu_user:
    chart: system.cpu
    dimensions: [user]
    window: 1s
    warning: { above: 50, clear_below: 45 }
`;

const isEvent =
  (event: string, key?: string) =>
  (line: LogLine): boolean =>
    line.event === event && (key === undefined || line.key === key);

describe('config reload (SIGHUP) in console mode', () => {
  let run: OpsRun | undefined;

  afterEach(async () => {
    await run?.stop();
    run = undefined;
  });

  it('applies a lowered threshold at the next cycles and keeps the alert in the state file', async () => {
    run = await OpsRun.start({ warningAbove: 80 }, { cpuPercent: 70 });
    await run.cycles(2);
    expect(run.daemon.events('alert.transition')).toEqual([]);

    run.writeConfig({ warningAbove: 60 });
    const outcome = await run.reload();
    expect(outcome.event).toBe('config.reloaded');
    const warning = await run.daemon.waitFor(cpuTransitionTo('warning'), 'cpu enters warning');
    expect(warning).toMatchObject({ key: KEY, threshold: 60 });
    await run.daemon.waitFor(isEvent('notification.console', KEY), 'the warning was notified');

    run.writeConfig({ warningAbove: 60, criticalAbove: 95 });
    expect((await run.reload()).event).toBe('config.reloaded');
    await run.cycles(2);
    expect(run.daemon.events('alert.transition')).toHaveLength(1);
    const consoleLines = run.daemon.events('notification.console').filter((l) => l.key === KEY);
    expect(consoleLines.map((line) => line.status)).toEqual(['warning']);

    await run.daemon.stop();
    const store = SqliteAlertStore.open(run.statePath);
    try {
      expect(store.getAlert(KEY)?.state.severity).toBe('warning');
    } finally {
      store.close();
    }
  }, 90_000);

  it('survives a reload sent the moment it reports started', async () => {
    run = await OpsRun.start({ warningAbove: 80 });

    expect((await run.reload()).event).toBe('config.reloaded');
    await run.cycles(1);
    expect(run.daemon.child.exitCode).toBeNull();
  }, 90_000);

  it('refuses an invalid file naming the key, and keeps running with the old config', async () => {
    run = await OpsRun.start({ warningAbove: 60 }, { cpuPercent: 70 });
    await run.daemon.waitFor(cpuTransitionTo('warning'), 'cpu enters warning');
    const clearAboveTrigger = `rules:\n  cpu:\n    warning: { above: 60, clear_below: 70 }\n`;
    run.writeConfig({ warningAbove: 60, raw: clearAboveTrigger });

    const refused = await run.reload();
    expect(refused.event).toBe('config.reload_refused');
    expect(String(refused.message)).toContain('rules.cpu.warning.clear_below');
    expect(refused.level).toBe('error');

    run.writeConfig({ warningAbove: 60, raw: 'rules:\n  cpu: [broken\n' });
    const broken = await run.reload();
    expect(broken.event).toBe('config.reload_refused');
    expect(String(broken.message)).toContain('config.yaml');

    await run.cycles(2);
    expect((await run.fetch('/healthz')).status).toBe(200);
    // The running config (warning above 60, clear below 55) still decides: 50 clears the alert.
    run.netdata.setCpu(50);
    const clear = await run.daemon.waitFor(cpuTransitionTo('clear'), 'cpu clears');
    expect(clear).toMatchObject({ key: KEY, threshold: 55 });
  }, 90_000);

  it('closes the alerts of a rule removed from the file and says so in the notification', async () => {
    run = await OpsRun.start({ warningAbove: 80, extraRules: CPU_USER_RULE }, { cpuPercent: 70 });
    const userKey = 'test-node/cpu_user/system.cpu';
    await run.daemon.waitFor(isEvent('notification.console', userKey), 'cpu_user notified');

    run.writeConfig({ warningAbove: 80 });
    const from = run.daemon.lines.length;
    expect((await run.reload()).event).toBe('config.reloaded');

    const removed = await run.daemon.waitFor(isEvent('alert.rule_removed', userKey), 'removed');
    expect(removed).toMatchObject({ rule: 'cpu_user' });
    const resolved = await run.daemon.waitFor(
      (line) => isEvent('notification.console', userKey)(line) && line.status === 'resolved',
      'a resolved notification for the removed rule',
      { fromLine: from },
    );
    expect(resolved.lines).toEqual([expect.stringContaining('rule removed from the config')]);
  }, 90_000);

  it('reloads through `netdata-slack-bridge reload` with the same state path', async () => {
    run = await OpsRun.start({ warningAbove: 80 }, { cpuPercent: 70 });
    run.writeConfig({ warningAbove: 60 });
    const from = run.daemon.lines.length;

    const command = run.cli(['reload', '--config', run.configFile]);

    expect(command.status).toBe(0);
    expect(command.stderr).toContain(`process ${run.daemon.child.pid}`);
    await run.daemon.waitFor(isEvent('config.reloaded'), 'config reloaded', { fromLine: from });
    await run.daemon.waitFor(cpuTransitionTo('warning'), 'cpu enters warning');
  }, 90_000);

  it('says no daemon runs when `reload` finds no pid file next to the state path', async () => {
    run = await OpsRun.start({ warningAbove: 80 });
    await run.daemon.stop();

    const command = run.cli(['reload', '--config', run.configFile]);

    expect(command.status).toBe(1);
    expect(command.stderr).toContain(`${run.statePath}.pid`);
  }, 90_000);
});

describe('config reload with Slack', () => {
  let slack: FakeSlack;
  let run: OpsRun;

  beforeAll(async () => {
    slack = await startFakeSlack({
      botToken: BOT_TOKEN,
      channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
    });
    run = await OpsRun.start(
      { warningAbove: 60 },
      {
        cpuPercent: 70,
        env: {
          SLACK_BOT_TOKEN: BOT_TOKEN,
          SLACK_SIGNING_SECRET: SIGNING_SECRET,
          SLACK_CHANNEL: CHANNEL,
          SLACK_API_URL: slack.url,
        },
      },
    );
  }, 30_000);

  afterAll(async () => {
    await run?.stop();
    await slack?.close();
  });

  const topLevel = () => slack.messages(CHANNEL).filter((m) => m.thread_ts === undefined);

  it('keeps the one message of a raised alert across a reload that changes another threshold', async () => {
    await run.daemon.waitFor(isEvent('notification.delivered', KEY), 'the warning was posted');
    expect(topLevel()).toHaveLength(1);

    run.writeConfig({ warningAbove: 60, criticalAbove: 95 });
    expect((await run.reload()).event).toBe('config.reloaded');
    await run.cycles(3);

    expect(slack.calls('chat.postMessage').filter((c) => c.params.thread_ts === undefined)).toEqual(
      [expect.anything()],
    );
    expect(topLevel()).toHaveLength(1);
  }, 30_000);

  it('turns the message resolved with a note when the rule is switched off', async () => {
    const [message] = topLevel();
    const from = run.daemon.lines.length;

    run.writeConfig({ warningAbove: 60, enabled: false });
    expect((await run.reload()).event).toBe('config.reloaded');
    await run.daemon.waitFor(isEvent('alert.rule_removed', KEY), 'the alert was closed');
    await run.daemon.waitFor(isEvent('notification.delivered', KEY), 'the message was updated', {
      fromLine: from,
    });

    expect(topLevel()).toHaveLength(1);
    expect(message?.edited).toBe(true);
    const rendered = JSON.stringify([message?.blocks, message?.attachments]);
    expect(rendered).toContain('Resolved');
    expect(rendered).toContain('rule removed from the config');
  }, 30_000);

  it('never writes the Slack secrets to its log', () => {
    const log = [...run.daemon.lines.map((line) => JSON.stringify(line)), ...run.daemon.stderr];

    expect(log.join('\n')).not.toContain(BOT_TOKEN);
    expect(log.join('\n')).not.toContain(SIGNING_SECRET);
  });
});
