import { performance } from 'node:perf_hooks';

import { fastConfigYaml, makeDaemonFolder } from '../test/support/daemon-config';
import { DaemonProcess } from '../test/support/daemon-process';
import { startFakeNetdata } from '../test/support/fake-netdata';
import { startFakeSlack } from '../test/support/fake-slack';
import { blockActionsPayload, interactionRequest } from '../test/support/sign-slack';

const BOT_TOKEN = 'xoxb-bench-clicks';
const SIGNING_SECRET = 'bench-clicks-signing-secret';
const CHANNEL = 'C0BENCH';
const KEY = 'bench-node/cpu/system.cpu';
/** Clicks sent before measuring, so that the first requests' warm-up is not counted. */
const WARM_UP = 20;

export interface ClickFigures {
  clicks: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Answers other than 200. */
  failed: number;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * share) - 1)] ?? 0;
}

/** One signed click, as Slack sends it; resolves with the HTTP status and the milliseconds. */
async function click(url: string, episode: string, actionId: string, responseUrl: string) {
  const payload = blockActionsPayload({
    actionId,
    value: episode,
    userId: 'U0BENCH',
    responseUrl,
    channel: CHANNEL,
  });
  const request = interactionRequest(payload, SIGNING_SECRET, Date.now() / 1000);

  const started = performance.now();
  const response = await fetch(url, request);
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/**
 * The built daemon in Slack HTTP mode against fakes of Netdata and Slack (both in this
 * process): once its alert is posted, `count` signed Acknowledge / Unacknowledge clicks are
 * sent one after another to /slack/events. Measured: from the request's start to the end of
 * the answer's body, as Slack would see it; each click also makes the daemon update the
 * message, which competes for its event loop.
 */
export async function benchClickLatency(count = 300): Promise<ClickFigures> {
  const netdata = await startFakeNetdata('bench-node');
  netdata.setCpu(85);
  const slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    channels: [{ id: CHANNEL, name: 'bench', isMember: true }],
  });
  // A fast config: one poll a second and a cpu rule that acts at once, so the alert (at 85 %,
  // a warning) is posted within seconds.
  const files = await makeDaemonFolder(
    'bridge-bench-clicks-',
    fastConfigYaml({ netdataUrl: netdata.url }),
  );
  const daemon = DaemonProcess.start(['run', '--config', files.configFile], {
    ...files.env,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.url,
  });

  try {
    const posted = await daemon.waitFor(
      (line) => line.event === 'notification.delivered' && line.key === KEY,
      'the alert was posted',
      { timeoutMs: 30_000 },
    );
    const url = `http://127.0.0.1:${files.port}/slack/events`;
    const responseUrl = `${slack.url}response/T0TEAM/1/bench`;
    const timings: number[] = [];
    let failed = 0;

    for (let index = 0; index < WARM_UP + count; index += 1) {
      const actionId = index % 2 === 0 ? 'alert_ack' : 'alert_unack';
      const result = await click(url, String(posted.episode), actionId, responseUrl);
      if (index >= WARM_UP) {
        timings.push(result.ms);
        failed += result.status === 200 ? 0 : 1;
      }
    }

    timings.sort((a, b) => a - b);
    return {
      clicks: count,
      p50Ms: percentile(timings, 0.5),
      p99Ms: percentile(timings, 0.99),
      maxMs: timings[timings.length - 1] ?? 0,
      failed,
    };
  } finally {
    await daemon.stop();
    await slack.close();
    await netdata.stop();
    files.remove();
  }
}
