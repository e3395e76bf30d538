import { ChartCatalog, matchCharts } from '../../../src/netdata/discovery';
import { NetdataError } from '../../../src/netdata/errors';
import type { ChartSummary, NodeTarget } from '../../../src/netdata/types';
import { capturingLogger } from './support';

const AVAILABLE = [
  'system.cpu',
  'system.ram',
  'system.net',
  'net.eth0',
  'net.eth1',
  'net_operstate.eth0',
  'netdata.net',
  'mem.swap',
  'disk.vda',
];

describe('matchCharts', () => {
  it.each<[string, string[], string[]]>([
    ['a plain name that exists', ['system.cpu'], ['system.cpu']],
    ['a plain name that does not exist', ['system.swap'], []],
    ['the first available of alternatives', ['system.swap', 'mem.swap'], ['mem.swap']],
    ['only one of several available alternatives', ['system.ram', 'mem.swap'], ['system.ram']],
    ['every id a glob matches, dot taken literally', ['net.*'], ['net.eth0', 'net.eth1']],
    ['one character for ?', ['net.eth?'], ['net.eth0', 'net.eth1']],
    ['a glob that matches nothing', ['zfs.*'], []],
    [
      'a glob and alternatives together',
      ['net.*', 'system.swap', 'mem.swap'],
      ['net.eth0', 'net.eth1', 'mem.swap'],
    ],
    ['no duplicates when patterns overlap', ['net.eth0', 'net.*'], ['net.eth0', 'net.eth1']],
    ['regex characters taken literally', ['system.(cpu|ram)'], []],
    ['no patterns', [], []],
  ])('selects %s', (_name, patterns, expected) => {
    expect(matchCharts(patterns, AVAILABLE)).toEqual(expected);
  });

  it('matches nothing when the node has no charts', () => {
    expect(matchCharts(['net.*', 'system.cpu'], [])).toEqual([]);
  });
});

const NODE: NodeTarget = { name: 'vm', local: true };
const MINUTE = 60_000;

function chart(id: string): ChartSummary {
  return { id, name: id, units: '', dimensions: [] };
}

/** A stand-in for the client's listCharts that answers from a script and counts calls. */
function scriptedClient(answers: (ChartSummary[] | NetdataError)[]) {
  const calls: string[] = [];
  return {
    calls,
    async listCharts(node: NodeTarget): Promise<ChartSummary[]> {
      calls.push(node.name);
      const answer = answers.shift();
      if (answer === undefined) throw new Error('no more scripted answers');
      if (answer instanceof NetdataError) throw answer;
      return answer;
    },
  };
}

function refused(): NetdataError {
  return new NetdataError('refused', { kind: 'connection_refused', url: 'http://x/api/v1/charts' });
}

describe('ChartCatalog', () => {
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000_000;
  });

  it('fetches a node once and answers from the cache until the list is maxAge old', async () => {
    const client = scriptedClient([[chart('net.eth0')], [chart('net.eth0'), chart('net.eth1')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: 5 * MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    await expect(catalog.chartIds(NODE)).resolves.toEqual(['net.eth0']);
    now += 5 * MINUTE - 1;
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['net.eth0']);
    expect(client.calls).toHaveLength(1);

    now += 1;
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['net.eth0', 'net.eth1']);
    expect(client.calls).toHaveLength(2);
  });

  it('hands out the same id list until it fetches a new one, so callers can cache by it', async () => {
    const client = scriptedClient([[chart('net.eth0')], [chart('net.eth0')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: 5 * MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    const first = await catalog.chartIds(NODE);
    const cached = await catalog.chartIds(NODE);
    now += 5 * MINUTE;
    const refreshed = await catalog.chartIds(NODE);

    expect(cached).toBe(first);
    expect(refreshed).not.toBe(first);
    expect(refreshed).toEqual(first);
  });

  it('uses the time passed in rather than its clock when given one', async () => {
    const client = scriptedClient([[chart('a')], [chart('b')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    await catalog.charts(NODE, 0);
    await expect(catalog.chartIds(NODE, MINUTE)).resolves.toEqual(['b']);
  });

  it('keeps the last known list when a refresh fails, and warns once', async () => {
    const { logger, lines } = capturingLogger();
    const client = scriptedClient([
      [chart('system.cpu')],
      refused(),
      refused(),
      [chart('mem.swap')],
    ]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      retryAfterMs: 10_000,
      clock,
      logger,
    });

    await catalog.charts(NODE);
    now += MINUTE;
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['system.cpu']);
    now += 10_000;
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['system.cpu']);
    now += 10_000;
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['mem.swap']);

    const events = lines().map((line) => [line.level, line.event, line.node]);
    expect(events).toEqual([
      ['warn', 'netdata.discovery_failed', 'vm'],
      ['info', 'netdata.discovery_recovered', 'vm'],
    ]);
  });

  it('waits retryAfterMs after a failed refresh before trying again', async () => {
    const client = scriptedClient([[chart('system.cpu')], refused(), [chart('mem.swap')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      retryAfterMs: 10_000,
      clock,
      logger: capturingLogger().logger,
    });

    await catalog.charts(NODE);
    now += MINUTE;
    await catalog.charts(NODE);
    now += 9_999;
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['system.cpu']);

    expect(client.calls).toHaveLength(2);
  });

  it('answers undefined while a node was never discovered, and retries on every call', async () => {
    const client = scriptedClient([refused(), refused(), [chart('system.cpu')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    await expect(catalog.charts(NODE)).resolves.toBeUndefined();
    await expect(catalog.charts(NODE)).resolves.toBeUndefined();
    await expect(catalog.chartIds(NODE)).resolves.toEqual(['system.cpu']);
  });

  it('keeps one list per node', async () => {
    const client = scriptedClient([[chart('a')], [chart('b')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    await expect(catalog.chartIds({ name: 'web-1', local: false })).resolves.toEqual(['a']);
    await expect(catalog.chartIds({ name: 'web-2', local: false })).resolves.toEqual(['b']);
    await expect(catalog.chartIds({ name: 'web-1', local: false })).resolves.toEqual(['a']);
  });

  it('shares one request between callers that ask at the same time', async () => {
    const client = scriptedClient([[chart('a')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    const both = await Promise.all([catalog.chartIds(NODE), catalog.chartIds(NODE)]);

    expect(both).toEqual([['a'], ['a']]);
    expect(client.calls).toHaveLength(1);
  });

  it('fetches again after invalidate, before the list is old', async () => {
    const client = scriptedClient([[chart('a')], [chart('b')]]);
    const catalog = new ChartCatalog({
      client,
      maxAgeMs: MINUTE,
      clock,
      logger: capturingLogger().logger,
    });

    await catalog.charts(NODE);
    catalog.invalidate(NODE.name);

    await expect(catalog.chartIds(NODE)).resolves.toEqual(['b']);
  });
});
