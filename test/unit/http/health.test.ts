import { request as httpRequest } from 'node:http';
import { createSilentLogger } from '../../../src/logging/logger';
import { HttpServer } from '../../../src/http/server';
import { registerHealthRoutes } from '../../../src/http/health';
import type { CheckResult, ReadinessSource } from '../../../src/http/health';

function get(port: number, path: string): Promise<{ status: number; type: string; body: unknown }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'] ?? '',
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown,
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** A readiness source the test flips between states, as the daemon would after each cycle. */
class FakeReadiness implements ReadinessSource {
  netdataResult: CheckResult = { ok: true, detail: 'last cycle reached http://127.0.0.1:19999' };
  slackResult: CheckResult | undefined = { ok: true, detail: 'auth.test ok' };
  storeResult: CheckResult = { ok: true, detail: 'writable' };
  storeThrows = false;

  netdata(): CheckResult {
    return this.netdataResult;
  }

  slack(): CheckResult | undefined {
    return this.slackResult;
  }

  store(): CheckResult {
    if (this.storeThrows) {
      throw new Error('SQLITE_READONLY');
    }
    return this.storeResult;
  }
}

describe('health routes', () => {
  let server: HttpServer;
  let port: number;
  let readiness: FakeReadiness;

  beforeEach(async () => {
    readiness = new FakeReadiness();
    server = new HttpServer({ host: '127.0.0.1', port: 0, logger: createSilentLogger() });
    registerHealthRoutes(server, readiness);
    ({ port } = await server.start());
  });

  afterEach(async () => {
    await server.stop();
  });

  it('answers /healthz with 200 and status ok even when a dependency is down', async () => {
    readiness.netdataResult = { ok: false, detail: 'connection refused' };

    const answer = await get(port, '/healthz');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok' });
    expect(answer.type).toContain('application/json');
  });

  it('answers /readyz with 200 and every check when all are ok', async () => {
    const answer = await get(port, '/readyz');

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      ready: true,
      checks: {
        netdata: { ok: true, detail: 'last cycle reached http://127.0.0.1:19999' },
        slack: { ok: true, detail: 'auth.test ok' },
        store: { ok: true, detail: 'writable' },
      },
    });
  });

  it('answers 503 naming Netdata as the failing part, and 200 again once it recovers', async () => {
    readiness.netdataResult = { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:19999' };

    const down = await get(port, '/readyz');

    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      ready: false,
      checks: {
        netdata: { ok: false, detail: 'connect ECONNREFUSED 127.0.0.1:19999' },
        slack: { ok: true },
        store: { ok: true },
      },
    });

    readiness.netdataResult = { ok: true, detail: 'last cycle reached http://127.0.0.1:19999' };
    const up = await get(port, '/readyz');

    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ ready: true });
  });

  it('marks Slack as skipped and stays ready in console mode', async () => {
    readiness.slackResult = undefined;

    const answer = await get(port, '/readyz');

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      ready: true,
      checks: {
        slack: { ok: true, skipped: true, detail: expect.stringContaining('console mode') },
      },
    });
  });

  it('is not ready when Slack auth fails', async () => {
    readiness.slackResult = { ok: false, detail: 'auth.test: invalid_auth' };

    const answer = await get(port, '/readyz');

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ checks: { slack: { ok: false } } });
  });

  it('reports a check that throws as a failed check instead of a 500', async () => {
    readiness.storeThrows = true;

    const answer = await get(port, '/readyz');

    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({
      checks: { store: { ok: false, detail: 'check failed: SQLITE_READONLY' } },
    });
  });
});
