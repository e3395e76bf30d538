import { fastConfigYaml, makeDaemonFolder } from '../support/daemon-config';
import { DaemonProcess, type LogLine } from '../support/daemon-process';
import { startFakeNetdata, type FakeNetdata } from '../support/fake-netdata';
import { startFakeSlack, type FakeMessage, type FakeSlack } from '../support/fake-slack';
import { blockActionsPayload, interactionRequest } from '../support/sign-slack';

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
 * The fakes and files of one story. The config is made for fast stories: one poll a second, a
 * CPU rule that reacts at once (warning above 80, critical above 90, clear below 75 and 85),
 * the other default rules off.
 */
async function startStack(options: StackOptions): Promise<Stack> {
  const netdata = await startFakeNetdata(NODE);
  const slack = await startFakeSlack({
    botToken: BOT_TOKEN,
    ...(options.appToken !== undefined ? { appToken: options.appToken } : {}),
    channels: [{ id: CHANNEL, name: 'alerts', isMember: true }],
  });
  const config = fastConfigYaml({
    netdataUrl: netdata.url,
    timeout: '1s',
    ...(options.unreachableAfter !== undefined
      ? { unreachableAfter: options.unreachableAfter }
      : {}),
  });
  const files = await makeDaemonFolder('bridge-integration-', config);

  const env: NodeJS.ProcessEnv = {
    ...files.env,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_CHANNEL: CHANNEL,
    SLACK_API_URL: slack.url,
    LOG_LEVEL: 'debug',
    ...(options.appToken !== undefined ? { SLACK_APP_TOKEN: options.appToken } : {}),
  };

  return {
    netdata,
    slack,
    folder: files.folder,
    configFile: files.configFile,
    env,
    httpPort: files.port,
    close: async () => {
      await netdata.stop();
      await slack.close();
      files.remove();
    },
  };
}

/**
 * One story's stack and the daemons started on it, wired to jest's hooks so that a test file
 * reads as its story. Daemons started here are stopped when the story ends, in the order they
 * were started, then whatever `onEnd` was given, then the stack.
 */
export class Story {
  private current: Stack | undefined;
  private daemons: { daemon: DaemonProcess; stopWith: NodeJS.Signals }[] = [];
  private closers: (() => Promise<void>)[] = [];

  private constructor(private readonly options: StackOptions) {}

  /** One stack for all the tests of the enclosing block (beforeAll / afterAll). */
  static perBlock(options: StackOptions = {}): Story {
    const story = new Story(options);
    beforeAll(() => story.begin());
    afterAll(() => story.end());
    return story;
  }

  /** A fresh stack, state file included, for each test of the enclosing block. */
  static perTest(options: StackOptions = {}): Story {
    const story = new Story(options);
    beforeEach(() => story.begin());
    afterEach(() => story.end());
    return story;
  }

  get stack(): Stack {
    if (this.current === undefined) {
      throw new Error('the story has not begun: use it inside a hook or a test');
    }
    return this.current;
  }

  get slack(): FakeSlack {
    return this.stack.slack;
  }

  get netdata(): FakeNetdata {
    return this.stack.netdata;
  }

  get httpPort(): number {
    return this.stack.httpPort;
  }

  /**
   * Starts the built daemon on the stack and resolves once its first cycle has run. When the
   * story ends it gets `stopWith` (SIGTERM by default), unless it has stopped already.
   */
  async startDaemon(options: { stopWith?: NodeJS.Signals } = {}): Promise<DaemonProcess> {
    const daemon = await DaemonProcess.startUntilStarted(
      ['run', '--config', this.stack.configFile],
      this.stack.env,
      WAIT_TIMEOUT_MS,
    );
    this.daemons.push({ daemon, stopWith: options.stopWith ?? 'SIGTERM' });
    return daemon;
  }

  /** Starts the daemon with `env` over the stack's and does not wait: for one that must refuse. */
  spawnDaemon(env: NodeJS.ProcessEnv): DaemonProcess {
    const daemon = DaemonProcess.start(['run', '--config', this.stack.configFile], {
      ...this.stack.env,
      ...env,
    });
    this.daemons.push({ daemon, stopWith: 'SIGTERM' });
    return daemon;
  }

  /** Runs `close` when the story ends, after its daemons stopped and before the stack closes. */
  onEnd(close: () => Promise<void>): void {
    this.closers.push(close);
  }

  /** The one alert message in the channel; throws when there is none yet. */
  only(): FakeMessage {
    const [message] = topLevel(this.slack);
    if (message === undefined) throw new Error('no alert message in the channel');
    return message;
  }

  private async begin(): Promise<void> {
    this.current = await startStack(this.options);
  }

  private async end(): Promise<void> {
    for (const { daemon, stopWith } of this.daemons) {
      await daemon.stop(stopWith);
    }
    for (const close of this.closers) {
      await close();
    }
    await this.current?.close();

    this.current = undefined;
    this.daemons = [];
    this.closers = [];
  }
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
export function postClick(
  stack: Pick<Stack, 'slack' | 'httpPort'>,
  options: ClickOptions,
): Promise<Response> {
  const request = interactionRequest(
    clickPayload(stack.slack, options),
    options.secret ?? SIGNING_SECRET,
    (options.signedAt ?? Date.now()) / 1000,
  );
  return fetch(`http://127.0.0.1:${stack.httpPort}/slack/events`, request);
}
