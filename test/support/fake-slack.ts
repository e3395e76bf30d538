import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real local HTTP server that answers like Slack's Web API at `<url>` (ending in `/api/`).
 * Point a WebClient at it with `slackApiUrl`. It keeps channels and messages in memory, records
 * every call, and can be told to rate limit, fail or go down. Limits: only the methods below,
 * no scopes, no pagination beyond `limit`/`cursor` on `conversations.history`.
 */

export interface FakeChannel {
  id: string;
  name: string;
  isMember: boolean;
  isArchived?: boolean;
}

export interface FakeUser {
  id: string;
  name: string;
}

export interface FakeUsergroup {
  id: string;
  users: string[];
}

export interface FakeSlackOptions {
  botToken: string;
  /** Accepted (besides the bot token) by methods added with `handle`, e.g. `xapp-…`. */
  appToken?: string;
  channels: FakeChannel[];
  users?: FakeUser[];
  usergroups?: FakeUsergroup[];
  botUserId?: string;
  botName?: string;
  teamName?: string;
  /** Source of message timestamps (ms); defaults to `Date.now`. */
  clock?: () => number;
}

export type Params = Record<string, unknown>;

export interface RecordedCall {
  method: string;
  params: Params;
  headers: IncomingHttpHeaders;
  /** The token the call carried (Authorization header or `token` field). */
  token: string | undefined;
}

export interface FakeMessage {
  ts: string;
  channel: string;
  text: string | undefined;
  blocks: unknown[] | undefined;
  attachments: unknown[] | undefined;
  thread_ts: string | undefined;
  metadata: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  user: string;
  /** Set for chat.postEphemeral. */
  ephemeralUser?: string;
  edited?: boolean;
}

/** Answers one method; the returned object is sent as the JSON body with status 200. */
export type MethodHandler = (params: Params, call: RecordedCall) => Params | Promise<Params>;

type Fault = { kind: 'ratelimit'; retryAfterSeconds: number } | { kind: 'error'; error: string };

/** Fields Slack takes as JSON even in a form-encoded body. */
const JSON_FIELDS = ['blocks', 'attachments', 'metadata'];

export class FakeSlack {
  private readonly handlers = new Map<string, MethodHandler>();
  private readonly faults = new Map<string, Fault[]>();
  private readonly recorded: RecordedCall[] = [];
  private readonly stored: FakeMessage[] = [];
  private down: 'no' | '503' | 'reset' = 'no';
  private sequence = 0;
  /** Base URL of the fake Web API, ending in `/api/`. */
  url = '';

  private readonly server: Server;

  constructor(private readonly options: FakeSlackOptions) {
    this.server = createServer((req, res) => {
      void this.serve(req).then(
        (reply) => {
          if (reply === undefined) return;
          res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
          res.end(JSON.stringify(reply.body));
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ok: false, error: String(error) }));
        },
      );
    });
    this.installBuiltins();
  }

  /** Binds 127.0.0.1 on a free port. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}/api/`;
  }

  /** The next `times` calls of `method` get HTTP 429 with `Retry-After`. */
  rateLimitNext(method: string, retryAfterSeconds: number, times = 1): void {
    this.addFault(method, { kind: 'ratelimit', retryAfterSeconds }, times);
  }

  /** The next `times` calls of `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string, times = 1): void {
    this.addFault(method, { kind: 'error', error }, times);
  }

  /** While down, every call gets HTTP 503 (`how: '503'`) or has its socket destroyed. */
  setDown(down: boolean, how: '503' | 'reset' = '503'): void {
    this.down = down ? how : 'no';
  }

  /** Adds or replaces a method. */
  handle(method: string, handler: MethodHandler): void {
    this.handlers.set(method, handler);
  }

  /** Every message (top-level, replies, ephemeral) in a channel, oldest first. */
  messages(channel: string): FakeMessage[] {
    return this.stored.filter((message) => message.channel === channel);
  }

  /** Replies in the thread of `ts`, oldest first. */
  replies(channel: string, ts: string): FakeMessage[] {
    return this.messages(channel).filter((m) => m.thread_ts === ts && m.ts !== ts);
  }

  /** Recorded calls, of one method or all, oldest first. */
  calls(method?: string): RecordedCall[] {
    return this.recorded.filter((call) => method === undefined || call.method === method);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private addFault(method: string, fault: Fault, times: number): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i += 1) queue.push(fault);
    this.faults.set(method, queue);
  }

  private async serve(
    req: IncomingMessage,
  ): Promise<{ status: number; headers?: Record<string, string>; body: Params } | undefined> {
    const raw = await readBody(req);
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const params = parseParams(raw, req.headers['content-type']);
    const token = bearer(req.headers.authorization) ?? stringParam(params.token);
    const call: RecordedCall = { method, params, headers: req.headers, token };
    this.recorded.push(call);

    if (this.down === 'reset') {
      req.socket.destroy();
      return undefined;
    }
    if (this.down === '503')
      return { status: 503, body: { ok: false, error: 'service_unavailable' } };

    const fault = this.faults.get(method)?.shift();
    if (fault?.kind === 'ratelimit') {
      const headers = { 'retry-after': String(fault.retryAfterSeconds) };
      return { status: 429, headers, body: { ok: false, error: 'ratelimited' } };
    }
    if (fault?.kind === 'error') return { status: 200, body: { ok: false, error: fault.error } };

    const handler = this.handlers.get(method);
    if (handler === undefined) return { status: 200, body: { ok: false, error: 'unknown_method' } };
    if (token === undefined) return { status: 200, body: { ok: false, error: 'not_authed' } };
    if (!this.acceptsToken(method, token)) {
      return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    }
    return { status: 200, body: await handler(params, call) };
  }

  private acceptsToken(method: string, token: string): boolean {
    if (token === this.options.botToken) return true;
    return !BUILTIN_METHODS.includes(method) && token === this.options.appToken;
  }

  private nextTs(): string {
    this.sequence += 1;
    const seconds = Math.floor((this.options.clock ?? Date.now)() / 1000);
    return `${seconds}.${String(this.sequence).padStart(6, '0')}`;
  }

  private channel(id: unknown): FakeChannel | undefined {
    return this.options.channels.find((c) => c.id === id || `#${c.name}` === id || c.name === id);
  }

  private installBuiltins(): void {
    const botUserId = this.options.botUserId ?? 'UBOT';
    this.handle('auth.test', () => ({
      ok: true,
      url: 'https://fake.slack.test/',
      team: this.options.teamName ?? 'Fake Team',
      team_id: 'T0000',
      user: this.options.botName ?? 'netdata-bridge',
      user_id: botUserId,
      bot_id: 'B0000',
    }));
    this.handle('conversations.info', (params) => {
      const channel = this.channel(params.channel);
      if (channel === undefined) return { ok: false, error: 'channel_not_found' };
      return { ok: true, channel: channelJson(channel) };
    });
    this.handle('conversations.list', () => ({
      ok: true,
      channels: this.options.channels.map(channelJson),
      response_metadata: { next_cursor: '' },
    }));
    this.handle('chat.postMessage', (params) => this.postMessage(params, botUserId));
    this.handle('chat.update', (params) => this.updateMessage(params));
    this.handle('chat.postEphemeral', (params) => this.postEphemeral(params, botUserId));
    this.handle('conversations.history', (params) => this.history(params));
    this.handle('usergroups.users.list', (params) => {
      const group = this.options.usergroups?.find((g) => g.id === params.usergroup);
      if (group === undefined) return { ok: false, error: 'no_such_subteam' };
      return { ok: true, users: group.users };
    });
  }

  private writableChannel(id: unknown): FakeChannel | Params {
    const channel = this.channel(id);
    if (channel === undefined) return { ok: false, error: 'channel_not_found' };
    if (channel.isArchived === true) return { ok: false, error: 'is_archived' };
    if (!channel.isMember) return { ok: false, error: 'not_in_channel' };
    return channel;
  }

  private postMessage(params: Params, user: string): Params {
    const channel = this.writableChannel(params.channel);
    if (!isChannel(channel)) return channel;
    if (
      params.text === undefined &&
      params.blocks === undefined &&
      params.attachments === undefined
    ) {
      return { ok: false, error: 'no_text' };
    }

    const message = this.storeMessage(channel.id, params, user, {
      metadata: params.metadata as FakeMessage['metadata'],
    });
    return { ok: true, channel: channel.id, ts: message.ts, message: messageJson(message, true) };
  }

  private updateMessage(params: Params): Params {
    const channel = this.writableChannel(params.channel);
    if (!isChannel(channel)) return channel;
    const message = this.stored.find((m) => m.channel === channel.id && m.ts === params.ts);
    if (message === undefined) return { ok: false, error: 'message_not_found' };

    if (params.text !== undefined) message.text = stringParam(params.text);
    if (params.blocks !== undefined) message.blocks = params.blocks as unknown[];
    if (params.attachments !== undefined) message.attachments = params.attachments as unknown[];
    if (params.metadata !== undefined)
      message.metadata = params.metadata as FakeMessage['metadata'];
    message.edited = true;
    return { ok: true, channel: channel.id, ts: message.ts, text: message.text };
  }

  private postEphemeral(params: Params, user: string): Params {
    const channel = this.writableChannel(params.channel);
    if (!isChannel(channel)) return channel;
    if (typeof params.user !== 'string') return { ok: false, error: 'user_not_in_channel' };

    const message = this.storeMessage(channel.id, params, user, { ephemeralUser: params.user });
    return { ok: true, message_ts: message.ts };
  }

  /** Stores a message made from a post's parameters, under a new ts; `extra` is set on top. */
  private storeMessage(
    channel: string,
    params: Params,
    user: string,
    extra: Pick<FakeMessage, 'metadata'> | Pick<FakeMessage, 'ephemeralUser'>,
  ): FakeMessage {
    const message: FakeMessage = {
      ts: this.nextTs(),
      channel,
      text: stringParam(params.text),
      blocks: params.blocks as unknown[] | undefined,
      attachments: params.attachments as unknown[] | undefined,
      thread_ts: stringParam(params.thread_ts),
      metadata: undefined,
      user,
      ...extra,
    };
    this.stored.push(message);
    return message;
  }

  private history(params: Params): Params {
    const channel = this.channel(params.channel);
    if (channel === undefined) return { ok: false, error: 'channel_not_found' };
    if (!channel.isMember) return { ok: false, error: 'not_in_channel' };

    const oldest = Number(params.oldest ?? 0);
    const limit = Math.min(Number(params.limit ?? 100), 1000);
    const offset = Number(params.cursor ?? 0);
    const withMetadata =
      params.include_all_metadata === true || params.include_all_metadata === 'true';
    const topLevel = this.messages(channel.id)
      .filter((m) => m.ephemeralUser === undefined)
      .filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts)
      .filter((m) => Number(m.ts) > oldest)
      .reverse();
    const page = topLevel.slice(offset, offset + limit);
    const hasMore = offset + limit < topLevel.length;
    return {
      ok: true,
      messages: page.map((m) => messageJson(m, withMetadata)),
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? String(offset + limit) : '' },
    };
  }
}

const BUILTIN_METHODS = [
  'auth.test',
  'conversations.info',
  'conversations.list',
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'conversations.history',
  'usergroups.users.list',
];

/** Starts a fake Slack Web API on 127.0.0.1 and an ephemeral port. */
export async function startFakeSlack(options: FakeSlackOptions): Promise<FakeSlack> {
  const fake = new FakeSlack(options);
  await fake.listen();
  return fake;
}

function isChannel(value: FakeChannel | Params): value is FakeChannel {
  return typeof value.id === 'string' && typeof value.isMember === 'boolean';
}

function channelJson(channel: FakeChannel): Params {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: true,
    is_member: channel.isMember,
    is_archived: channel.isArchived ?? false,
  };
}

function messageJson(message: FakeMessage, withMetadata: boolean): Params {
  return {
    type: 'message',
    user: message.user,
    ts: message.ts,
    text: message.text ?? '',
    blocks: message.blocks,
    attachments: message.attachments,
    thread_ts: message.thread_ts,
    metadata: withMetadata ? message.metadata : undefined,
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseParams(raw: string, contentType: string | undefined): Params {
  const params: Params =
    contentType?.includes('application/json') === true
      ? (JSON.parse(raw || '{}') as Params)
      : Object.fromEntries(new URLSearchParams(raw));
  for (const field of JSON_FIELDS) {
    const value = params[field];
    if (typeof value === 'string' && value !== '') params[field] = JSON.parse(value) as unknown;
  }
  return params;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer (.+)$/.exec(header ?? '');
  return match?.[1];
}

function stringParam(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
