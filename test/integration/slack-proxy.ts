import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through between the daemon and the Slack stand-in that can swallow the answer to one
 * call: Slack does the work (a post lands in the channel) but the daemon never hears back, as
 * when the process dies between Slack accepting a post and the store recording it.
 */
export class SlackProxy {
  /** Base URL to give the daemon as SLACK_API_URL, ending in `/api/`. */
  url = '';
  private holdNext: string | undefined;
  private readonly server: Server;

  constructor(private readonly target: string) {
    this.server = createServer((request, response) => {
      void this.forward(request).then((answer) => {
        if (answer === undefined) return;
        response.writeHead(answer.status, { 'content-type': answer.contentType });
        response.end(answer.body);
      });
    });
  }

  async listen(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/`;
  }

  /** The next call of `method` reaches Slack, but its answer is never sent back. */
  swallowAnswerToNext(method: string): void {
    this.holdNext = method;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async forward(
    request: IncomingMessage,
  ): Promise<{ status: number; contentType: string; body: string } | undefined> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = (request.url ?? '/').replace(/^\/api\//, '');
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'content-type']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }

    const answer = await fetch(`${this.target}${path}`, {
      method: request.method ?? 'POST',
      headers,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = await answer.text();
    if (this.holdNext !== undefined && path.split('?')[0] === this.holdNext) {
      this.holdNext = undefined;
      return undefined;
    }
    return {
      status: answer.status,
      contentType: answer.headers.get('content-type') ?? 'application/json',
      body,
    };
  }
}

export async function startSlackProxy(target: string): Promise<SlackProxy> {
  const proxy = new SlackProxy(target);
  await proxy.listen();
  return proxy;
}
