import nock from 'nock';
import { NetdataClient } from '../../../src/netdata/client';
import { reduceSample } from '../../../src/netdata/reduce';
import type { ChartRequest, NodeTarget } from '../../../src/netdata/types';
import { createSilentLogger } from '../../../src/logging/logger';
import { capturingLogger, recorded } from './support';

const BASE = 'http://netdata.test:19999';
const LOCAL: NodeTarget = { name: 'vm', local: true };

/** The query every data request sends, before `absolute` is added. */
function dataQuery(chart: string, windowSeconds = 60, options = 'jsonwrap,unaligned') {
  return {
    chart,
    after: String(-windowSeconds),
    before: '0',
    points: '1',
    group: 'average',
    format: 'json',
    options,
  };
}

function request(chart: string, overrides: Partial<ChartRequest> = {}): ChartRequest {
  return { node: LOCAL, chart, windowSeconds: 60, absolute: false, ...overrides };
}

let client: NetdataClient;

beforeAll(() => nock.disableNetConnect());
afterAll(() => nock.enableNetConnect());

beforeEach(() => {
  client = new NetdataClient({
    baseUrl: `${BASE}/`,
    timeoutMs: 2000,
    logger: createSilentLogger(),
  });
});

afterEach(() => {
  client.close();
  nock.cleanAll();
});

describe('NetdataClient.getInfo', () => {
  it('reads the version, the agent hostname and the nodes it holds', async () => {
    nock(BASE).get('/api/v1/info').reply(200, recorded('info.json'));

    await expect(client.getInfo()).resolves.toEqual({
      version: 'v1.37.1',
      hostname: 'vm',
      nodes: ['vm'],
    });
  });

  it('takes the hostname from the hop-0 entry on a parent, not the first mirrored host', async () => {
    const info = {
      version: 'v1.37.1',
      mirrored_hosts: ['web-1', 'parent'],
      mirrored_hosts_status: [
        { hostname: 'web-1', hops: 1 },
        { hostname: 'parent', hops: 0 },
      ],
    };
    nock(BASE).get('/api/v1/info').reply(200, info);

    await expect(client.getInfo()).resolves.toEqual({
      version: 'v1.37.1',
      hostname: 'parent',
      nodes: ['web-1', 'parent'],
    });
  });
});

describe('NetdataClient.listCharts', () => {
  it('lists every chart with its id, name, units and dimension names', async () => {
    nock(BASE).get('/api/v1/charts').reply(200, recorded('charts.json'));

    const charts = await client.listCharts(LOCAL);

    expect(charts).toHaveLength(314);
    expect(charts.find((chart) => chart.id === 'system.net')).toEqual({
      id: 'system.net',
      name: 'system.net',
      units: 'kilobits/s',
      dimensions: ['received', 'sent'],
    });
    expect(charts.find((chart) => chart.id === 'net.eth0')?.units).toBe('kilobits/s');
  });

  it("reads a child's charts through the parent's /host/<name> path, name encoded", async () => {
    nock(BASE).get('/host/web%201/api/v1/charts').reply(200, recorded('charts.json'));

    const charts = await client.listCharts({ name: 'web 1', local: false });

    expect(charts.length).toBeGreaterThan(0);
  });
});

describe('NetdataClient.fetchChart', () => {
  it('sums the busy CPU dimensions of a loaded machine to about 98.5 %', async () => {
    nock(BASE)
      .get('/api/v1/data')
      .query(dataQuery('system.cpu'))
      .reply(200, recorded('data-system.cpu-under-load-jsonwrap.json'));

    const sample = await client.fetchChart(request('system.cpu'));
    const cpu = reduceSample(sample, ['user', 'system', 'softirq', 'irq', 'guest'], undefined);

    expect(sample.at).toBe(1796300742);
    expect(sample.values.user).toBeCloseTo(95.04581, 5);
    expect(cpu.value).toBeCloseTo(98.51, 2);
    expect(cpu.missing).toEqual([]);
  });

  it('matches values to dimensions by label, whatever order the agent sends them in', async () => {
    // Recorded without jsonwrap: labels in another order than the chart's dimensions.
    const body = {
      dimension_names: ['user', 'system', 'softirq', 'irq', 'guest'],
      dimension_ids: ['user', 'system', 'softirq', 'irq', 'guest'],
      result: JSON.parse(recorded('data-system.cpu-avg60.json')) as unknown,
    };
    nock(BASE).get('/api/v1/data').query(true).reply(200, body);

    const sample = await client.fetchChart(request('system.cpu'));

    expect(sample.values).toEqual({
      guest: 0,
      softirq: 0.0959566,
      irq: 0,
      user: 1.2017579,
      system: 4.1515162,
    });
  });

  it('asks for absolute values when the rule wants them (bandwidth on net.eth0)', async () => {
    const scope = nock(BASE)
      .get('/api/v1/data')
      .query(dataQuery('net.eth0', 60, 'jsonwrap,unaligned,absolute'))
      .reply(200, recorded('data-net.eth0-jsonwrap-abs.json'));

    const sample = await client.fetchChart(request('net.eth0', { absolute: true }));

    expect(scope.isDone()).toBe(true);
    expect(sample).toEqual({
      chart: 'net.eth0',
      at: 1796300710,
      values: { received: 0, sent: 0 },
      dimensionIds: {},
    });
  });

  it('keys system.net by dimension name and maps its ids, so a rule may name either', async () => {
    nock(BASE)
      .get('/api/v1/data')
      .query(dataQuery('system.net'))
      .reply(200, recorded('data-system.net-jsonwrap.json'));

    const sample = await client.fetchChart(request('system.net'));

    expect(Object.keys(sample.values)).toEqual(['received', 'sent']);
    expect(sample.dimensionIds).toEqual({ InOctets: 'received', OutOctets: 'sent' });
    expect(reduceSample(sample, ['InOctets'], undefined).value).toBe(0);
  });

  it('returns the used RAM share from a percentage answer', async () => {
    nock(BASE)
      .get('/api/v1/data')
      .query(true)
      .reply(200, recorded('data-system.ram-used-percentage.json'));

    const sample = await client.fetchChart(request('system.ram'));

    expect(reduceSample(sample, ['used'], undefined).value).toBeCloseTo(0.7138835, 7);
  });

  it('keeps a gap the agent reports as null, so the reducer sees it missing', async () => {
    const body = { result: { labels: ['time', 'used', 'free'], data: [[1796300700, null, 10]] } };
    nock(BASE).get('/api/v1/data').query(true).reply(200, body);

    const sample = await client.fetchChart(request('mem.swap'));

    expect(sample.values).toEqual({ used: null, free: 10 });
    expect(reduceSample(sample, ['used'], ['used', 'free'])).toEqual({
      value: undefined,
      missing: ['used'],
    });
  });

  it('takes the newest row when the agent sends several', async () => {
    nock(BASE)
      .get('/api/v1/data')
      .query(true)
      .reply(200, recorded('data-system.cpu-jsonwrap.json'));

    const sample = await client.fetchChart(request('system.cpu'));

    expect(sample.at).toBe(1796300710);
    expect(sample.values.system).toBeCloseTo(1.8634159, 7);
  });

  it("reads a child's chart through /host/<name>/api/v1/data on the parent", async () => {
    const scope = nock(BASE)
      .get('/host/web-1/api/v1/data')
      .query(dataQuery('system.cpu', 120))
      .reply(200, recorded('data-system.cpu-jsonwrap.json'));

    await client.fetchChart(
      request('system.cpu', { node: { name: 'web-1', local: false }, windowSeconds: 120 }),
    );

    expect(scope.isDone()).toBe(true);
  });

  it('makes exactly one request per chart, with no dimension filter', async () => {
    const queries: Record<string, string>[] = [];
    nock(BASE)
      .get('/api/v1/data')
      .query((query) => {
        queries.push(query as Record<string, string>);
        return true;
      })
      .times(5)
      .reply(200, recorded('data-system.cpu-jsonwrap.json'));

    await client.fetchChart(request('system.cpu'));

    expect(queries).toHaveLength(1);
    expect(queries[0]).not.toHaveProperty('dimensions');
    expect(queries[0]).not.toHaveProperty('dimension');
  });

  it('logs each request at debug level with node, chart and status', async () => {
    const { logger, lines } = capturingLogger();
    const logged = new NetdataClient({ baseUrl: BASE, timeoutMs: 2000, logger });
    nock(BASE)
      .get('/api/v1/data')
      .query(true)
      .reply(200, recorded('data-system.cpu-jsonwrap.json'));

    await logged.fetchChart(request('system.cpu'));
    logged.close();

    expect(lines()).toEqual([
      expect.objectContaining({
        level: 'debug',
        event: 'netdata.request',
        node: 'vm',
        chart: 'system.cpu',
        status: 200,
        ms: expect.any(Number),
      }),
    ]);
  });
});

describe('NetdataClient request log', () => {
  it('adds the failure kind and URL to the debug line of a failed request', async () => {
    const { logger, lines } = capturingLogger();
    const logged = new NetdataClient({ baseUrl: BASE, timeoutMs: 2000, logger });
    nock(BASE).get('/api/v1/info').reply(503, 'busy');

    await expect(logged.getInfo()).rejects.toMatchObject({ kind: 'http_error', status: 503 });
    logged.close();

    const [line, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(line).toMatchObject({
      level: 'debug',
      event: 'netdata.request',
      status: 503,
      kind: 'http_error',
      url: `${BASE}/api/v1/info`,
    });
    expect(line).not.toHaveProperty('node');
  });
});
