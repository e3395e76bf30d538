import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

import type { DeliveryRequest, DeliveryResult, Notifier } from '../src/alerts/notifier';
import { OutboxSender } from '../src/alerts/sender';
import { SqliteAlertStore } from '../src/alerts/sqlite-store';
import type { EvaluatedAlert, MessageRef } from '../src/alerts/types';
import { createSilentLogger } from '../src/logging/logger';
import type { AlertIdentity, Severity } from '../src/rules/types';
import { alertIdentity, initialState } from '../src/rules/types';
import { SlackNotifier } from '../src/slack/notifier';
import { createWebClient } from '../src/slack/web-client';

const BOT_TOKEN = 'xoxb-bench-notifications';
const CHANNEL = 'C0BENCH';

export interface NotificationFigures {
  alerts: number;
  delivered: number;
  failed: number;
  /** This process's CPU (user + system) while the sender drained the outbox, per delivery. */
  cpuMsPerDelivery: number;
  /** Slack messages sent (posts, updates, thread replies: DESIGN.md's notifications). */
  slackMessages: number;
  /** This process's CPU per Slack message sent. */
  cpuMsPerMessage: number;
  /** The same per phase: first posts, updates with a thread reply, resolutions. */
  phases: { name: string; delivered: number; messages: number; cpuMsPerDelivery: number }[];
}

/** Counts the Slack messages a client sends: posts (top-level and thread replies) and updates. */
function countCalls(client: ReturnType<typeof createWebClient>): { count: () => number } {
  let calls = 0;
  const post = client.chat.postMessage.bind(client.chat);
  const update = client.chat.update.bind(client.chat);
  client.chat.postMessage = (options) => {
    calls += 1;
    return post(options);
  };
  client.chat.update = (options) => {
    calls += 1;
    return update(options);
  };
  return { count: () => calls };
}

/** Counts what the Slack notifier returns, so failures are reported instead of hidden. */
class CountingNotifier implements Notifier {
  readonly name = 'counting';
  failed = 0;

  constructor(private readonly inner: Notifier) {}

  async deliver(request: DeliveryRequest, onPosted: (m: MessageRef) => void) {
    const result: DeliveryResult = await this.inner.deliver(request, onPosted);
    if (!result.ok) {
      this.failed += 1;
    }
    return result;
  }
}

async function startFakeSlackProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'fake-slack-server.js')], {
    env: { PATH: process.env.PATH, FAKE_SLACK_BOT_TOKEN: BOT_TOKEN, FAKE_SLACK_CHANNEL: CHANNEL },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [first] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, url: (JSON.parse(first) as { url: string }).url };
}

function moved(identity: AlertIdentity, from: Severity, to: Severity, at: number): EvaluatedAlert {
  const value = to === 'clear' ? 40 : to === 'warning' ? 85 : 95;
  return {
    identity,
    state: { ...initialState(at), severity: to, since: at, lastValue: value, lastSampleAt: at },
    value,
    transition: { from, to, value, threshold: to === 'clear' ? 75 : 80, at },
    ruleTitle: 'CPU utilization',
    units: '%',
  };
}

/** Drains the outbox; the CPU time of this process meanwhile, per successful delivery. */
async function drain(sender: OutboxSender, store: SqliteAlertStore) {
  const start = process.cpuUsage();
  let delivered = 0;

  // A failed delivery is rescheduled for later; stop when nothing is due now.
  while (store.dueDeliveries(Date.now(), 1).length > 0) {
    delivered += await sender.runOnce();
  }

  const used = process.cpuUsage(start);
  return { delivered, cpuMs: (used.user + used.system) / 1000 };
}

/**
 * The real delivery path in this process (store, outbox sender, Slack notifier, Web API client)
 * against the fake Slack in another process: `alerts` alerts are raised, escalated and cleared,
 * and each phase's outbox is drained. Measured: all CPU of this process during the drains,
 * including the HTTP client, JSON, rendering and SQLite; not the fake's CPU.
 */
export async function benchNotificationCpu(alerts = 300): Promise<NotificationFigures> {
  const folder = mkdtempSync(path.join(tmpdir(), 'bridge-bench-notify-'));
  const fake = await startFakeSlackProcess();
  const store = SqliteAlertStore.open(path.join(folder, 'state.sqlite'));
  const logger = createSilentLogger();
  const client = createWebClient({ token: BOT_TOKEN, apiUrl: fake.url, timeoutMs: 10_000, logger });
  const calls = countCalls(client);
  const notifier = new CountingNotifier(
    new SlackNotifier({ client, channel: CHANNEL, mentionOnCritical: '', logger }),
  );
  const sender = new OutboxSender({
    store,
    notifier,
    logger,
    clock: Date.now,
    chartUrlFor: () => undefined,
  });
  const identities = Array.from({ length: alerts }, (_, index) =>
    alertIdentity(`node-${index % 20}`, 'cpu', `system.cpu-${index}`),
  );

  try {
    const phases: NotificationFigures['phases'] = [];
    const steps: [string, Severity, Severity][] = [
      ['post', 'clear', 'warning'],
      ['update + thread reply', 'warning', 'critical'],
      ['resolve', 'critical', 'clear'],
    ];
    let cpuTotal = 0;
    for (const [name, from, to] of steps) {
      store.applyEvaluations(identities.map((identity) => moved(identity, from, to, Date.now())));
      const callsBefore = calls.count();
      const { delivered, cpuMs } = await drain(sender, store);
      cpuTotal += cpuMs;
      const messages = calls.count() - callsBefore;
      phases.push({ name, delivered, messages, cpuMsPerDelivery: cpuMs / Math.max(1, delivered) });
    }

    const delivered = phases.reduce((sum, phase) => sum + phase.delivered, 0);
    const cpuMs = phases.reduce((sum, phase) => sum + phase.cpuMsPerDelivery * phase.delivered, 0);
    return {
      alerts,
      delivered,
      failed: notifier.failed,
      cpuMsPerDelivery: cpuMs / Math.max(1, delivered),
      slackMessages: calls.count(),
      cpuMsPerMessage: cpuTotal / Math.max(1, calls.count()),
      phases,
    };
  } finally {
    await sender.stop();
    store.close();
    fake.child.stdin?.end();
    await once(fake.child, 'exit');
    rmSync(folder, { recursive: true, force: true });
  }
}
