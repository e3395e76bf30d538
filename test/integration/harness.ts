import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DaemonProcess, freePort, type LogLine } from '../support/daemon-process';
import { startFakeNetdata, type FakeNetdata } from '../support/fake-netdata';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../support/fake-slack';
import { blockActionsPayload, interactivityBody, signSlackBody } from '../support/sign-slack';

/**
 * What every daemon-level story needs: a Netdata stand-in, a Slack stand-in, a temp folder with
 * a config file and the state file, and the environment the daemon is started with. Stories
 * wait on log lines and on what the fakes recorded, never for a length of time.
 */

/** Placeholders: never shaped like a real token. */
export const BOT_TOKEN = 'xoxb-test-token';
export const APP_TOKEN = 'xapp-test';
export const SIGNING_SECRET = 'integration-signing-secret';
export const CHANNEL = 'C0ALERTS';
export const NODE = 'test-node';
export const CPU_KEY = `${NODE}/cpu/system.cpu`;
export const UNREACHABLE_KEY = `${NODE}/netdata_unreachable/agent`;

/** Waits on the fakes' state; long enough for several 1 s poll cycles and a Retry-After. */
const WAIT_TIMEOUT_MS = 30_000;

export interface Stack {
  netdata: FakeNetdata;
  slack: FakeSlack;
  folder: string;
  configFile: string;
  /** The daemon's environment; the HTTP port stays the same across restarts. */
  env: NodeJS.ProcessEnv;
  httpPort: number;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Set for Socket Mode. */
  appToken?: string;
  /** `netdata.unreachable_after`; the default config's value when absent. */
  unreachableAfter?: number;
}

/**
 * A config for fast stories: one poll a second, a CPU rule that reacts at once (warning above
 * 80, critical above 90, clear below 75 and 85), the other default rules off.
 */
function configText(netdataUrl: string, options: StackOptions): string {
  const unreachable =
    options.unreachableAfter === undefined
      ? ''
      : `  unreachable_after: ${options.unreachableAfter}\n`;
  return `netdata:
  url: ${netdataUrl}
  timeout: 1s
${unreachable}poll:
  every: 1s
rules:
  cpu:
    window: 1s
    for: 0s
    clear_for: 0s
  swap:
    enabled: false
  bandwidth_in:
    enabled: false
  bandwidth_out:
    enabled: false
`;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const netdata = await startFakeNetdata(NODE);
  const slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    ...(options.appToken !== undefined ? { appToken: options.appToken } : {}),
    channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
  });
  const folder = mkdtempSync(path.join(tmpdir(), 'bridge-integration-'));
  const configFile = path.join(folder, 'config.yaml');
  writeFileSync(configFile, configText(netdata.url, options));
  const httpPort = await freePort();

  const env: NodeJS.ProcessEnv = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.url,
    BRIDGE_HTTP_PORT: String(httpPort),
    BRIDGE_HTTP_HOST: '127.0.0.1',
    BRIDGE_STATE_PATH: path.join(folder, 'state.sqlite'),
    LOG_LEVEL: 'debug',
    ...(options.appToken !== undefined ? { SLACK_APP_TOKEN: options.appToken } : {}),
  };

  return {
    netdata,
    slack,
    folder,
    configFile,
    env,
    httpPort,
    close: async () => {
      await netdata.stop();
      await slack.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Starts the built daemon on the stack and resolves once its first cycle has run. */
export async function startDaemon(stack: Stack): Promise<DaemonProcess> {
  const daemon = DaemonProcess.start(['run', '--config', stack.configFile], stack.env);
  const started = daemon.waitFor((line) => line.event === 'daemon.started', 'the daemon started', {
    timeoutMs: WAIT_TIMEOUT_MS,
  });
  // A daemon that refuses to start exits: say so at once, with what it wrote.
  const exited = daemon.exitCode().then((code) => {
    throw new Error(`the daemon exited with code ${String(code)}:\n${daemon.tail()}`);
  });
  await Promise.race([started, exited]);
  exited.catch(() => undefined);
  return daemon;
}

/** Polls `condition` until it holds; the error names what was awaited and shows the log tail. */
export async function waitUntil(
  condition: () => boolean,
  description: string,
  daemon?: DaemonProcess,
): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error(`never happened: ${description}\n${daemon?.tail() ?? ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The first log line matching `match`, already written or still to come. */
export function waitForLine(
  daemon: DaemonProcess,
  match: (line: LogLine) => boolean,
  description: string,
  fromLine = 0,
): Promise<LogLine> {
  return daemon.waitFor(match, description, { fromLine, timeoutMs: WAIT_TIMEOUT_MS });
}

export const isTransition =
  (key: string, to: string) =>
  (line: LogLine): boolean =>
    line.event === 'alert.transition' && line.key === key && line.to === to;

/** Messages people see in the channel: not thread replies, not ephemeral ones. */
export function topLevel(slack: FakeSlack): FakeMessage[] {
  return slack
    .messages(CHANNEL)
    .filter((message) => message.thread_ts === undefined && message.ephemeralUser === undefined);
}

/** The episode id a message's metadata names. */
export function episodeIdOf(message: FakeMessage): string {
  const id = message.metadata?.event_payload.episode_id;
  if (typeof id !== 'string') {
    throw new Error(`message ${message.ts} carries no episode id in its metadata`);
  }
  return id;
}

/** Everything Slack draws for a message, as one string to look for words in. */
export function shownText(message: FakeMessage): string {
  return JSON.stringify([message.text, message.blocks, message.attachments]);
}

/** The buttons of a message's actions block, as `action_id` and `value`. */
export function buttonsOf(message: FakeMessage): { action_id: string; value?: string }[] {
  const blocks = [
    ...(message.blocks ?? []),
    ...(message.attachments ?? []).flatMap(
      (attachment) => ((attachment as { blocks?: unknown[] }).blocks ?? []) as unknown[],
    ),
  ] as { type?: string; elements?: { action_id: string; value?: string }[] }[];
  return blocks
    .filter((block) => block.type === 'actions')
    .flatMap((block) => block.elements ?? [])
    .filter((element) => element.action_id !== undefined);
}

/** The colour Slack draws beside the message (the first attachment's). */
export function colourOf(message: FakeMessage): string | undefined {
  const [attachment] = (message.attachments ?? []) as { color?: string }[];
  return attachment?.color;
}

export interface ClickOptions {
  episodeId: string;
  messageTs: string;
  userId: string;
  actionId?: string;
  /** Signing secret; the daemon's own when absent. */
  secret?: string;
  /** When the request was signed, ms since the epoch; now when absent. */
  signedAt?: number;
}

/** The `block_actions` payload Slack sends when someone clicks a button of an alert message. */
export function clickPayload(slack: FakeSlack, options: ClickOptions): Record<string, unknown> {
  return blockActionsPayload({
    actionId: options.actionId ?? 'alert_ack',
    value: options.episodeId,
    userId: options.userId,
    responseUrl: `${slack.url}response/T0TEAM/1/abc`,
    channel: CHANNEL,
    messageTs: options.messageTs,
  });
}

/** POSTs a click, form-encoded and signed as Slack does, to the daemon's /slack/events. */
export function postClick(stack: Stack, options: ClickOptions): Promise<Response> {
  const body = interactivityBody(clickPayload(stack.slack, options));
  const headers = signSlackBody(
    body,
    options.secret ?? SIGNING_SECRET,
    (options.signedAt ?? Date.now()) / 1000,
  );
  return fetch(`http://127.0.0.1:${stack.httpPort}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });
}
