import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

import { WebSocketServer, type WebSocket } from 'ws';

import type { FakeSlack } from './fake-slack';

/**
 * Slack's Socket Mode side, on a real `ws` server at 127.0.0.1 and a free port. It teaches the
 * fake Web API `apps.connections.open` (answered only for the app token, since FakeSlack
 * accepts `appToken` for added methods), greets each connection with `hello`, and sends
 * envelopes the way Slack does. Limits: one connection at a time is driven (the latest), no
 * `disconnect` messages, no retries of unacknowledged envelopes.
 */
export class FakeSocketMode {
  /** Messages the daemon sent back, in order. */
  readonly replies: Record<string, unknown>[] = [];
  private socket: WebSocket | undefined;
  private readonly waiting = new Map<string, (reply: Record<string, unknown>) => void>();
  private connectedResolve: (() => void) | undefined;
  private readonly connectedPromise: Promise<void>;

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {
    this.connectedPromise = new Promise((resolve) => (this.connectedResolve = resolve));
    server.on('connection', (socket) => this.accept(socket));
  }

  /** Starts the server and adds `apps.connections.open` to `fake`. */
  static async start(fake: FakeSlack): Promise<FakeSocketMode> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const socketMode = new FakeSocketMode(server, `ws://127.0.0.1:${port}/`);

    fake.handle('apps.connections.open', () => ({ ok: true, url: socketMode.url }));
    return socketMode;
  }

  /** Resolves once a client has connected and been sent `hello`. */
  connected(): Promise<void> {
    return this.connectedPromise;
  }

  /**
   * Sends an `interactive` envelope carrying `payload` and resolves with the daemon's reply
   * (`{ envelope_id, payload? }`) once it acknowledges that envelope.
   */
  sendInteractive(payload: Record<string, unknown>): Promise<Record<string, unknown>> {
    const socket = this.socket;
    if (socket === undefined) {
      return Promise.reject(new Error('no Socket Mode client is connected'));
    }

    const envelopeId = randomUUID();
    const replied = new Promise<Record<string, unknown>>((resolve) => {
      this.waiting.set(envelopeId, resolve);
    });
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type: 'interactive',
        payload,
        accepts_response_payload: false,
      }),
    );
    return replied;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    this.socket = socket;
    socket.on('message', (data) => this.receive(String(data)));
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: 1,
        connection_info: { app_id: 'A0BRIDGE' },
        debug_info: { host: 'fake-socket-mode' },
      }),
    );
    this.connectedResolve?.();
  }

  private receive(text: string): void {
    const message = JSON.parse(text) as Record<string, unknown>;
    this.replies.push(message);

    const envelopeId = message.envelope_id;
    if (typeof envelopeId !== 'string') return;
    this.waiting.get(envelopeId)?.(message);
    this.waiting.delete(envelopeId);
  }
}
