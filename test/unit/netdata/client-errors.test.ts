import { createServer } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import nock from 'nock';
import { NetdataClient } from '../../../src/netdata/client';
import { NetdataError } from '../../../src/netdata/errors';
import type { ChartRequest } from '../../../src/netdata/types';
import { createSilentLogger } from '../../../src/logging/logger';
import { malformed, noSuchChartBody, recorded } from './support';

const BASE = 'http://netdata.test:19999';

function cpu(overrides: Partial<ChartRequest> = {}): ChartRequest {
  return {
    node: { name: 'vm', local: true },
    chart: 'system.cpu',
    windowSeconds: 60,
    absolute: false,
    ...overrides,
  };
}

/** Resolves with the NetdataError the promise rejects with; fails the test on anything else. */
async function failure(promise: Promise<unknown>): Promise<NetdataError> {
  const outcome = await promise.then(
    () => new Error('expected the request to fail'),
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(NetdataError);
  return outcome as NetdataError;
}

/** A local port that nothing listens on: bound once, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let client: NetdataClient;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

beforeEach(() => {
  client = new NetdataClient({ baseUrl: BASE, timeoutMs: 200, logger: createSilentLogger() });
});

afterEach(() => {
  client.close();
  nock.abortPendingRequests();
  nock.cleanAll();
  nock.disableNetConnect();
});

describe('NetdataClient errors', () => {
  it('reports a refused connection and asks whether the agent runs at netdata.url', async () => {
    nock.enableNetConnect('127.0.0.1');
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const refused = new NetdataClient({ baseUrl, timeoutMs: 2000, logger: createSilentLogger() });

    const error = await failure(refused.fetchChart(cpu()));
    refused.close();

    expect(error.kind).toBe('connection_refused');
    expect(error.message).toContain(baseUrl);
    expect(error.message).toContain('netdata.url');
    expect(error.cause).toBeDefined();
  });

  it('reports a timeout when the agent answers after timeoutMs', async () => {
    nock(BASE)
      .get('/api/v1/data')
      .query(true)
      .delay(5000)
      .reply(200, recorded('data-system.cpu-jsonwrap.json'));

    const error = await failure(client.fetchChart(cpu()));

    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('netdata.timeout');
  });

  it('tells a missing chart (404 "No metrics where matched") from other HTTP errors', async () => {
    nock(BASE).get('/api/v1/data').query(true).reply(404, noSuchChartBody());

    const error = await failure(client.fetchChart(cpu({ chart: 'system.swap' })));

    expect(error.kind).toBe('chart_not_found');
    expect(error.status).toBe(404);
    expect(error.message).toContain('system.swap');
    expect(error.url).toBe(
      `${BASE}/api/v1/data?chart=system.swap&after=-60&before=0&points=1&group=average&format=json&options=jsonwrap%2Cunaligned`,
    );
  });

  it('reports a node the parent does not hold as an HTTP error naming netdata.nodes', async () => {
    nock(BASE)
      .get('/host/ghost/api/v1/data')
      .query(true)
      .reply(404, 'This netdata does not maintain a database for host: ghost');

    const error = await failure(client.fetchChart(cpu({ node: { name: 'ghost', local: false } })));

    expect(error.kind).toBe('http_error');
    expect(error.status).toBe(404);
    expect(error.message).toContain('netdata.nodes');
  });

  it('reports a 500 as an HTTP error with its status', async () => {
    nock(BASE).get('/api/v1/charts').reply(500, 'internal error');

    const error = await failure(client.listCharts({ name: 'vm', local: true }));

    expect(error.kind).toBe('http_error');
    expect(error.status).toBe(500);
    expect(error.message).toContain('HTTP 500');
  });

  it.each([
    ['truncated JSON', 'truncated.json'],
    ['an HTML error page with status 200', 'html-error.html'],
    ['a result without labels or data', 'result-empty.json'],
    ['a cell that is a string', 'string-cell.json'],
    ['no rows', 'empty-data.json'],
    ['a row shorter than the labels', 'short-row.json'],
    ['data without labels', 'no-labels.json'],
  ])('reports %s as malformed', async (_label, fixture) => {
    nock(BASE).get('/api/v1/data').query(true).reply(200, malformed(fixture));

    const error = await failure(client.fetchChart(cpu()));

    expect(error.kind).toBe('malformed');
    expect(error.message).toContain('netdata.url');
  });

  it('reports an info answer without a version as malformed', async () => {
    nock(BASE).get('/api/v1/info').reply(200, { hello: 'world' });

    expect((await failure(client.getInfo())).kind).toBe('malformed');
  });

  it('reports a chart list without charts as malformed', async () => {
    nock(BASE).get('/api/v1/charts').reply(200, '[]');

    expect((await failure(client.listCharts({ name: 'vm', local: true }))).kind).toBe('malformed');
  });

  it('reports a reset connection as a network error', async () => {
    // A real server that drops every connection unanswered: nock's simulated reset races with
    // its own socket and sometimes surfaces as an unhandled error instead.
    nock.enableNetConnect('127.0.0.1');
    const dropper = createNetServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    const { port } = dropper.address() as AddressInfo;
    const reset = new NetdataClient({
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 2000,
      logger: createSilentLogger(),
    });

    const error = await failure(reset.getInfo());
    reset.close();
    await new Promise<void>((resolve) => dropper.close(() => resolve()));

    expect(error.kind).toBe('network');
    expect(error.message).toContain('socket hang up');
  });

  it('keeps credentials of netdata.url out of error URLs and messages', async () => {
    const secretUrl = 'http://admin:hunter2@netdata.test:19999';
    const proxied = new NetdataClient({
      baseUrl: secretUrl,
      timeoutMs: 200,
      logger: createSilentLogger(),
    });
    nock(BASE).get('/api/v1/info').reply(502, 'bad gateway');

    const error = await failure(proxied.getInfo());
    proxied.close();

    expect(error.url).toBe(`${BASE}/api/v1/info`);
    expect(error.message).not.toContain('hunter2');
  });
});
