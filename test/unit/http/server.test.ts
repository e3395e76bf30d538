import { request as httpRequest } from 'node:http';
import { PassThrough } from 'node:stream';
import { createLogger } from '../../../src/logging/logger';
import { HttpServer, HttpServerError } from '../../../src/http/server';
import type { HttpRequest } from '../../../src/http/types';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over a fresh connection, so keep-alive never hides a server bug. */
function send(port: number, method: string, path: string, body?: Buffer | string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method, path, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A logger whose JSON lines the test can read back. */
function capturedLogger() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  return { logger: createLogger({ level: 'debug', format: 'json', stream }), lines };
}

describe('HttpServer', () => {
  let server: HttpServer;
  let port: number;
  let lines: Record<string, unknown>[];
  const received: HttpRequest[] = [];

  beforeEach(async () => {
    const captured = capturedLogger();
    lines = captured.lines;
    received.length = 0;
    server = new HttpServer({
      host: '127.0.0.1',
      port: 0,
      logger: captured.logger,
      maxBodyBytes: 64,
    });
    server.route('GET', '/hello', () => Promise.resolve({ status: 200, body: 'hi' }));
    server.route('POST', '/echo', (request) => {
      received.push(request);
      return Promise.resolve({
        status: 201,
        headers: { 'content-type': 'application/octet-stream' },
        body: request.rawBody.toString('utf8'),
      });
    });
    server.route('GET', '/boom', () => Promise.reject(new Error('database password is hunter2')));
    server.route('GET', '/sync-boom', () => {
      throw new Error('thrown before any promise');
    });
    ({ port } = await server.start());
  });

  afterEach(async () => {
    await server.stop();
  });

  it('reports the real port when asked for port 0', () => {
    expect(port).toBeGreaterThan(0);
  });

  it('routes a GET to its handler and defaults to a plain-text content type', async () => {
    const answer = await send(port, 'GET', '/hello?verbose=1');

    expect(answer.status).toBe(200);
    expect(answer.body).toBe('hi');
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('hands the raw body, method, path and headers to a POST handler', async () => {
    const answer = await send(port, 'POST', '/echo', 'payload=%7B%22a%22%3A1%7D');

    expect(answer.status).toBe(201);
    expect(answer.body).toBe('payload=%7B%22a%22%3A1%7D');
    expect(answer.headers['content-type']).toBe('application/octet-stream');
    expect(received[0]?.method).toBe('POST');
    expect(received[0]?.path).toBe('/echo');
    expect(received[0]?.headers.host).toBe(`127.0.0.1:${port}`);
  });

  it('answers 404 for a path no route knows', async () => {
    const answer = await send(port, 'GET', '/nowhere');

    expect(answer.status).toBe(404);
  });

  it('answers 405 with an Allow header for a known path and another method', async () => {
    const answer = await send(port, 'POST', '/hello', 'x');

    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET');
  });

  it('answers 413 without calling the handler when the body is over the limit', async () => {
    const answer = await send(port, 'POST', '/echo', Buffer.alloc(65, 'a'));

    expect(answer.status).toBe(413);
    expect(received).toHaveLength(0);
  });

  it('accepts a body exactly at the limit', async () => {
    const answer = await send(port, 'POST', '/echo', Buffer.alloc(64, 'a'));

    expect(answer.status).toBe(201);
    expect(answer.body).toHaveLength(64);
  });

  it('answers 413 for an oversized chunked body that declares no length', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/echo', agent: false },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.write(Buffer.alloc(40, 'a'));
      outgoing.end(Buffer.alloc(40, 'b'));
    });

    expect(answer).toBe(413);
    expect(received).toHaveLength(0);
  });

  it('answers 500 with a generic body when a handler rejects, and logs the failure', async () => {
    const answer = await send(port, 'GET', '/boom');

    expect(answer.status).toBe(500);
    expect(answer.body).toBe('internal error');
    expect(lines).toContainEqual(
      expect.objectContaining({ event: 'http.handler_failed', path: '/boom', method: 'GET' }),
    );
  });

  it('keeps serving after handlers throw, synchronously or not', async () => {
    const first = await send(port, 'GET', '/sync-boom');
    const second = await send(port, 'GET', '/boom');
    const after = await send(port, 'GET', '/hello');

    expect([first.status, second.status, after.status]).toEqual([500, 500, 200]);
  });

  it('logs each request at debug with method, path and status but no headers', async () => {
    await send(port, 'GET', '/hello');

    const line = lines.find((entry) => entry.event === 'http.request');
    expect(line).toMatchObject({ level: 'debug', method: 'GET', path: '/hello', status: 200 });
    expect(typeof line?.ms).toBe('number');
    expect(line).not.toHaveProperty('headers');
  });

  it('refuses to register the same method and path twice', () => {
    expect(() =>
      server.route('GET', '/hello', () => Promise.resolve({ status: 200, body: '' })),
    ).toThrow('GET /hello');
  });
});

describe('HttpServer lifecycle', () => {
  const logger = createLogger({ level: 'error', format: 'json', stream: new PassThrough() });

  it('stops promptly while a client holds an idle keep-alive connection', async () => {
    const server = new HttpServer({ host: '127.0.0.1', port: 0, logger, stopGraceMs: 60_000 });
    server.route('GET', '/hello', () => Promise.resolve({ status: 200, body: 'hi' }));
    const { port } = await server.start();
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true });

    await new Promise<void>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/hello', agent }, (response) => {
        response.resume();
        response.on('end', () => resolve());
      })
        .on('error', reject)
        .end();
    });

    // With a 60 s grace, only closing idle sockets lets this resolve before jest's timeout.
    await server.stop();
    agent.destroy();
    await expect(send(port, 'GET', '/hello')).rejects.toThrow();
  });

  it('fails to start with an error naming the port setting when the port is taken', async () => {
    const first = new HttpServer({ host: '127.0.0.1', port: 0, logger });
    const { port } = await first.start();
    const second = new HttpServer({ host: '127.0.0.1', port, logger });

    try {
      const failure = second.start();
      await expect(failure).rejects.toBeInstanceOf(HttpServerError);
      await expect(failure).rejects.toThrow('BRIDGE_HTTP_PORT');
    } finally {
      await first.stop();
    }
  });

  it('treats stop() before start() as a no-op', async () => {
    const server = new HttpServer({ host: '127.0.0.1', port: 0, logger });

    await expect(server.stop()).resolves.toBeUndefined();
  });
});
