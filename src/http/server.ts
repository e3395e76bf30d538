import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../logging/logger';
import type { HttpRequest, HttpResponse, HttpRoutes, RouteHandler } from './types';

/** 1 MiB: Slack interaction payloads are a few kilobytes; anything near this is not Slack. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** How long `stop()` waits for requests in flight before it cuts their connections. */
const DEFAULT_STOP_GRACE_MS = 5000;

export interface HttpServerOptions {
  /** Address to bind (`http.host`, BRIDGE_HTTP_HOST). */
  host: string;
  /** Port to bind (`http.port`, BRIDGE_HTTP_PORT); 0 picks a free port, reported by `start()`. */
  port: number;
  logger: Logger;
  /** Larger request bodies are answered 413 without reaching a handler. */
  maxBodyBytes?: number;
  stopGraceMs?: number;
}

/** The listener could not be opened; the message names the settings to change. */
export class HttpServerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HttpServerError';
  }
}

/** The request body ended early or broke; nothing was routed. */
class RequestReadError extends Error {}

/**
 * The daemon's one HTTP listener, on node:http. Routes are exact paths (the query string is
 * ignored); a handler that throws is answered 500 and logged, never taking the process down.
 */
export class HttpServer implements HttpRoutes {
  private readonly routes = new Map<string, Map<string, RouteHandler>>();
  private readonly maxBodyBytes: number;
  private readonly stopGraceMs: number;
  private server: Server | undefined;

  constructor(private readonly options: HttpServerOptions) {
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.stopGraceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
  }

  /** Registers a handler; registering the same method and path twice is a wiring bug and throws. */
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    const byMethod = this.routes.get(path) ?? new Map<string, RouteHandler>();
    if (byMethod.has(method)) {
      throw new Error(`HTTP route ${method} ${path} is registered twice`);
    }

    byMethod.set(method, handler);
    this.routes.set(path, byMethod);
  }

  /** Starts listening; resolves with the bound port (the real one when `port` was 0). */
  async start(): Promise<{ port: number }> {
    if (this.server) {
      throw new Error('HttpServer.start() called twice');
    }

    const server = createServer((request, response) => void this.handle(request, response));
    server.on('clientError', (error, socket) => {
      // Malformed HTTP from a client: answer 400 if we still can, and keep serving others.
      this.options.logger.debug('malformed request', { event: 'http.client_error', error });
      if (socket.writable) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      }
    });

    const port = await this.listen(server);
    this.server = server;
    this.options.logger.info('http listening', {
      event: 'http.listening',
      host: this.options.host,
      port,
    });
    return { port };
  }

  /**
   * Stops accepting connections and resolves once the listener is closed. Idle keep-alive
   * connections are closed at once; requests in flight get `stopGraceMs` before being cut.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) {
      return;
    }

    this.server = undefined;
    const cutOff = setTimeout(() => server.closeAllConnections(), this.stopGraceMs);
    cutOff.unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(cutOff);
    this.options.logger.info('http stopped', { event: 'http.stopped' });
  }

  private listen(server: Server): Promise<number> {
    const { host, port } = this.options;
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        reject(
          new HttpServerError(
            `cannot listen on ${host}:${port}: change http.host (BRIDGE_HTTP_HOST) or http.port (BRIDGE_HTTP_PORT)`,
            { cause: error },
          ),
        );
      };
      server.once('error', onError);
      server.listen(port, host, () => {
        server.off('error', onError);
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = request.method ?? 'GET';
    const path = (request.url ?? '/').split('?')[0] ?? '/';

    const answer = await this.respond(request, method, path);

    this.send(response, answer, method, path);
    this.options.logger.debug('request', {
      event: 'http.request',
      method,
      path,
      status: answer.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
    });
  }

  private async respond(
    request: IncomingMessage,
    method: string,
    path: string,
  ): Promise<HttpResponse> {
    const byMethod = this.routes.get(path);
    if (!byMethod) {
      return text(404, 'not found');
    }

    const handler = byMethod.get(method);
    if (!handler) {
      const allow = [...byMethod.keys()].join(', ');
      return { ...text(405, 'method not allowed'), headers: { allow } };
    }

    let rawBody: Buffer | undefined;
    try {
      rawBody = await readBody(request, this.maxBodyBytes);
    } catch {
      return { ...text(400, 'request body could not be read'), headers: { connection: 'close' } };
    }
    if (!rawBody) {
      return { ...text(413, 'request body too large'), headers: { connection: 'close' } };
    }

    return this.callHandler(handler, { method, path, headers: request.headers, rawBody });
  }

  private async callHandler(handler: RouteHandler, request: HttpRequest): Promise<HttpResponse> {
    try {
      return await handler(request);
    } catch (error) {
      this.options.logger.error('handler failed', {
        event: 'http.handler_failed',
        method: request.method,
        path: request.path,
        error: error instanceof Error ? error.message : String(error),
      });
      // Generic on purpose: the error may quote internals that callers have no business seeing.
      return text(500, 'internal error');
    }
  }

  private send(response: ServerResponse, answer: HttpResponse, method: string, path: string) {
    if (response.headersSent || response.destroyed) {
      return;
    }

    const headers: Record<string, string | number> = { ...answer.headers };
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'text/plain; charset=utf-8';
    }
    headers['content-length'] = Buffer.byteLength(answer.body);

    try {
      response.writeHead(answer.status, headers);
      response.end(answer.body);
    } catch (error) {
      // A handler returned something node:http refuses (bad status or header): drop the socket.
      this.options.logger.error('response rejected', {
        event: 'http.handler_failed',
        method,
        path,
        error: error instanceof Error ? error.message : String(error),
      });
      response.destroy();
    }
  }
}

function text(status: number, body: string): HttpResponse {
  return { status, body };
}

/**
 * Reads the whole body, or resolves undefined once it passes `limit` (the rest is discarded).
 * Rejects with RequestReadError when the client goes away mid-body.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return Promise.resolve(undefined);
  }

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', (error) =>
      reject(new RequestReadError('body read failed', { cause: error })),
    );
    request.on('close', () => {
      if (!request.complete) {
        reject(new RequestReadError('client closed the connection before the body ended'));
      }
    });
  });
}
