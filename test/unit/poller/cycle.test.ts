import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import { createLogger } from '../../../src/logging/logger';
import { NetdataError } from '../../../src/netdata/errors';
import { parseChartData, parseJson } from '../../../src/netdata/parse';
import type { ChartRequest, ChartSample, NodeTarget } from '../../../src/netdata/types';
import { type CycleConfig, type NetdataSource, PollCycle } from '../../../src/poller/cycle';
import type { Rule } from '../../../src/rules/types';
import { DEFAULT_CPU_RULE } from '../../support/rules';

const FIXTURES = path.resolve(__dirname, '../../fixtures/netdata-v1.37.1');

function fixtureSample(file: string, chart: string): ChartSample {
  return parseChartData(parseJson(readFileSync(path.join(FIXTURES, file), 'utf8')), chart);
}

/** The default cpu rule, acting at once: these tests look at cycles, not at waiting times. */
const cpuRule: Rule = { ...DEFAULT_CPU_RULE, forSeconds: 0, clearForSeconds: 0 };

const swapRule: Rule = {
  ...cpuRule,
  id: 'swap',
  title: 'Swap usage',
  charts: ['mem.swap', 'system.swap'],
  dimensions: ['used'],
  percentOf: ['used', 'free'],
};

const bandwidthRule = (id: string, dimension: string): Rule => ({
  ...cpuRule,
  id,
  title: id,
  charts: ['net.*'],
  dimensions: [dimension],
  absolute: true,
  units: 'kilobits/s',
  warning: { direction: 'high', trigger: 800_000, clear: 700_000 },
  critical: undefined,
});

function configWith(rules: Rule[]): CycleConfig {
  return {
    netdata: {
      url: 'http://127.0.0.1:19999',
      timeoutMs: 1000,
      nodes: [],
      discoverEverySeconds: 300,
      unreachableAfter: 3,
    },
    poll: { everySeconds: 10 },
    rules,
  };
}

/** A Netdata stand-in: answers from a table and records every request. */
class ScriptedNetdata implements NetdataSource {
  readonly requests: ChartRequest[] = [];
  answer: (request: ChartRequest) => ChartSample | NetdataError = () => {
    throw new Error('no answer scripted');
  };

  constructor(
    private readonly nodes: NodeTarget[],
    private readonly charts: string[],
  ) {}

  async resolveNodes(): Promise<NodeTarget[]> {
    return this.nodes;
  }

  async availableCharts(): Promise<string[]> {
    return this.charts;
  }

  async fetchChart(request: ChartRequest): Promise<ChartSample> {
    this.requests.push(request);
    const outcome = this.answer(request);
    if (outcome instanceof NetdataError) {
      throw outcome;
    }
    return { ...outcome, chart: request.chart };
  }
}

describe('PollCycle', () => {
  let folder: string;
  let store: SqliteAlertStore;
  let now: number;
  let logs: Record<string, unknown>[];
  const node: NodeTarget = { name: 'vm', local: true };

  const newCycle = (netdata: NetdataSource): PollCycle => {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger({ level: 'debug', format: 'json', stream });
    return new PollCycle({ netdata, store, logger, clock: () => now });
  };

  beforeEach(() => {
    folder = mkdtempSync(path.join(tmpdir(), 'bridge-cycle-'));
    store = SqliteAlertStore.open(path.join(folder, 'state.sqlite'), { clock: () => now });
    now = 1_796_300_742_000;
    logs = [];
  });

  afterEach(() => {
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('raises critical from the answer recorded with both cores busy, and logs the transition', async () => {
    const netdata = new ScriptedNetdata([node], ['system.cpu']);
    netdata.answer = () => fixtureSample('data-system.cpu-under-load-jsonwrap.json', 'system.cpu');

    const report = await newCycle(netdata).run(configWith([cpuRule]));

    expect(report.transitions).toBe(1);
    expect(store.getAlert('vm/cpu/system.cpu')?.state.severity).toBe('critical');
    const transition = logs.find((line) => line.event === 'alert.transition');
    expect(transition).toMatchObject({
      key: 'vm/cpu/system.cpu',
      rule: 'cpu',
      node: 'vm',
      instance: 'system.cpu',
      from: 'clear',
      to: 'critical',
      threshold: 90,
    });
    expect(transition?.value).toBeCloseTo(98.5, 0);
  });

  it('makes one request per chart, shared by every rule that reads it', async () => {
    const netdata = new ScriptedNetdata([node], ['system.cpu', 'net.eth0', 'net.lo']);
    netdata.answer = (request) =>
      request.chart === 'system.cpu'
        ? fixtureSample('data-system.cpu-jsonwrap.json', 'system.cpu')
        : fixtureSample('data-net.eth0-jsonwrap-abs.json', request.chart);
    const rules = [
      cpuRule,
      bandwidthRule('bandwidth_in', 'received'),
      bandwidthRule('bandwidth_out', 'sent'),
    ];

    await newCycle(netdata).run(configWith(rules));

    expect(netdata.requests.map((request) => request.chart).sort()).toEqual([
      'net.eth0',
      'net.lo',
      'system.cpu',
    ]);
    expect(netdata.requests.find((request) => request.chart === 'net.eth0')).toMatchObject({
      absolute: true,
    });
    expect(
      store
        .listAlerts()
        .map((alert) => alert.identity.key)
        .sort(),
    ).toEqual([
      'vm/bandwidth_in/net.eth0',
      'vm/bandwidth_in/net.lo',
      'vm/bandwidth_out/net.eth0',
      'vm/bandwidth_out/net.lo',
      'vm/cpu/system.cpu',
    ]);
  });

  it('uses the first swap chart the node has, and logs a missing chart once', async () => {
    const netdata = new ScriptedNetdata([node], ['system.cpu', 'system.swap']);
    netdata.answer = () =>
      new NetdataError('No metrics', { kind: 'chart_not_found', url: '/api/v1/data', status: 404 });
    const cycle = newCycle(netdata);

    await cycle.run(configWith([swapRule]));
    await cycle.run(configWith([swapRule]));

    expect(netdata.requests.map((request) => request.chart)).toEqual([
      'system.swap',
      'system.swap',
    ]);
    expect(logs.filter((line) => line.event === 'rule.not_applicable')).toHaveLength(1);
    expect(logs.filter((line) => line.event === 'netdata.request_failed')).toHaveLength(0);
    expect(store.listAlerts()).toEqual([]);
  });

  it('keeps a critical alert through an outage and raises netdata_unreachable after three failed cycles', async () => {
    const netdata = new ScriptedNetdata([node], ['system.cpu']);
    const cycle = newCycle(netdata);
    const config = configWith([cpuRule]);
    netdata.answer = () => fixtureSample('data-system.cpu-under-load-jsonwrap.json', 'system.cpu');
    await cycle.run(config);

    netdata.answer = () =>
      new NetdataError('refused', { kind: 'connection_refused', url: 'http://127.0.0.1:19999' });
    const severities: (string | undefined)[] = [];
    for (let cycleNumber = 1; cycleNumber <= 3; cycleNumber += 1) {
      now += 10_000;
      await cycle.run(config);
      severities.push(store.getAlert('vm/netdata_unreachable/agent')?.state.severity);
    }

    expect(severities).toEqual(['clear', 'clear', 'critical']);
    expect(store.getAlert('vm/cpu/system.cpu')?.state.severity).toBe('critical');
    expect(logs.filter((line) => line.event === 'netdata.request_failed')).toHaveLength(1);

    netdata.answer = () => fixtureSample('data-system.cpu-jsonwrap.json', 'system.cpu');
    now += 10_000;
    await cycle.run(config);

    expect(store.getAlert('vm/netdata_unreachable/agent')?.state.severity).toBe('clear');
    expect(store.getAlert('vm/cpu/system.cpu')?.state.severity).toBe('clear');
  });

  it('polls every node of a parent and keys alerts by node', async () => {
    const children: NodeTarget[] = [
      node,
      { name: 'web-1', local: false },
      { name: 'db-1', local: false },
    ];
    const netdata = new ScriptedNetdata(children, ['system.cpu']);
    netdata.answer = (request) =>
      request.node.name === 'db-1'
        ? fixtureSample('data-system.cpu-under-load-jsonwrap.json', 'system.cpu')
        : fixtureSample('data-system.cpu-jsonwrap.json', 'system.cpu');

    await newCycle(netdata).run(configWith([cpuRule]));

    expect(netdata.requests.map((request) => request.node.name).sort()).toEqual([
      'db-1',
      'vm',
      'web-1',
    ]);
    expect(store.getAlert('db-1/cpu/system.cpu')?.state.severity).toBe('critical');
    expect(store.getAlert('web-1/cpu/system.cpu')?.state.severity).toBe('clear');
  });

  it('skips disabled rules', async () => {
    const netdata = new ScriptedNetdata([node], ['system.cpu']);
    netdata.answer = () => fixtureSample('data-system.cpu-jsonwrap.json', 'system.cpu');

    await newCycle(netdata).run(configWith([{ ...cpuRule, enabled: false }]));

    expect(netdata.requests).toEqual([]);
  });
});

describe('PollCycle with a misnamed dimension', () => {
  it('keeps the alert unevaluated and says once which dimensions are missing', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'bridge-cycle-'));
    const store = SqliteAlertStore.open(path.join(folder, 'state.sqlite'));
    const logs: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const netdata = new ScriptedNetdata([{ name: 'vm', local: true }], ['system.cpu']);
    netdata.answer = () => fixtureSample('data-system.cpu-under-load-jsonwrap.json', 'system.cpu');
    const cycle = new PollCycle({
      netdata,
      store,
      logger: createLogger({ level: 'info', format: 'json', stream }),
      clock: () => 1_000,
    });
    const rule = { ...cpuRule, dimensions: ['user', 'usr'] };

    await cycle.run(configWith([rule]));
    await cycle.run(configWith([rule]));

    expect(store.getAlert('vm/cpu/system.cpu')).toBeUndefined();
    expect(logs.filter((line) => line.event === 'rule.dimensions_missing')).toEqual([
      expect.objectContaining({ key: 'vm/cpu/system.cpu', dimensions: ['usr'] }),
    ]);
    store.close();
    rmSync(folder, { recursive: true, force: true });
  });
});
