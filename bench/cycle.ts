import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StoredAlert } from '../src/alerts/types';
import { parseChartData, parseJson } from '../src/netdata/parse';
import type { NodeTarget } from '../src/netdata/types';
import { evaluateCycle, type FetchOutcome } from '../src/poller/evaluate-cycle';
import { planCycle } from '../src/poller/plan';
import type { Rule } from '../src/rules/types';

const FIXTURES = findFixtures(__dirname);

/**
 * The recorded answers live in test/fixtures at the repository root; this file runs compiled
 * under dist-bench/bench, so walk up until they appear.
 */
function findFixtures(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test/fixtures/netdata-v1.37.1');
    if (existsSync(candidate)) {
      return candidate;
    }
  }
  throw new Error(`test/fixtures/netdata-v1.37.1 not found above ${from}`);
}

const base: Omit<Rule, 'id' | 'charts' | 'dimensions'> = {
  title: 'bench',
  percentOf: undefined,
  windowSeconds: 60,
  absolute: false,
  units: '%',
  warning: { direction: 'high', trigger: 80, clear: 75 },
  critical: { direction: 'high', trigger: 90, clear: 85 },
  forSeconds: 30,
  clearForSeconds: 30,
  enabled: true,
};

/** The four rules of the benchmark, on the charts the recorded answers cover. */
const RULES: Rule[] = [
  {
    ...base,
    id: 'cpu',
    charts: ['system.cpu'],
    dimensions: ['user', 'system', 'softirq', 'irq', 'guest'],
  },
  { ...base, id: 'ram', charts: ['system.ram'], dimensions: ['used'] },
  { ...base, id: 'bandwidth_in', charts: ['net.*'], dimensions: ['received'], absolute: true },
  { ...base, id: 'bandwidth_out', charts: ['net.*'], dimensions: ['sent'], absolute: true },
];

const BODIES: Record<string, string> = {
  'system.cpu': readFileSync(
    path.join(FIXTURES, 'data-system.cpu-under-load-jsonwrap.json'),
    'utf8',
  ),
  'system.ram': readFileSync(path.join(FIXTURES, 'data-system.ram-used-percentage.json'), 'utf8'),
  'net.eth0': readFileSync(path.join(FIXTURES, 'data-net.eth0-jsonwrap-abs.json'), 'utf8'),
};

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU time of one cycle, over the measured cycles (the first three warm up and are dropped). */
export interface CycleFigures {
  medianMs: number;
  worstMs: number;
  alerts: number;
}

/**
 * One cycle's parsing and evaluation for `nodeCount` nodes x 4 rules, from the recorded answers:
 * what the daemon does per cycle besides waiting on the network and writing the store.
 */
export function benchCycle(nodeCount = 1000, cycles = 20): CycleFigures {
  const nodes: NodeTarget[] = Array.from({ length: nodeCount }, (_, index) => ({
    name: `node-${index}`,
    local: index === 0,
  }));
  const chartIds = Object.keys(BODIES);
  const charts = new Map(nodes.map((node) => [node.name, chartIds]));
  let previous = new Map<string, StoredAlert>();
  const timings: number[] = [];

  for (let cycle = 0; cycle < cycles + 3; cycle += 1) {
    const start = process.cpuUsage();
    const now = 1_796_300_742_000 + cycle * 10_000;
    const plan = planCycle(nodes, RULES, charts);
    const outcomes: FetchOutcome[] = plan.fetches.map((fetch) =>
      parseChartData(parseJson(BODIES[fetch.chart] ?? ''), fetch.chart),
    );
    const result = evaluateCycle(
      plan.fetches,
      outcomes,
      previous,
      { after: 3, pollEverySeconds: 10 },
      now,
    );
    previous = new Map(
      result.evaluated.map((alert) => [
        alert.identity.key,
        { identity: alert.identity, state: alert.state, recentValues: [], episodeId: undefined },
      ]),
    );
    if (cycle >= 3) {
      timings.push(cpuMs(start));
    }
  }

  timings.sort((a, b) => a - b);
  const median = timings[Math.floor(timings.length / 2)] ?? 0;
  const worst = timings[timings.length - 1] ?? 0;
  console.log(
    `cycle parse+evaluate, ${nodeCount} nodes x ${RULES.length} rules (${previous.size} alerts): ` +
      `median ${median.toFixed(1)} ms CPU, worst ${worst.toFixed(1)} ms (target < 150 ms)`,
  );
  return { medianMs: median, worstMs: worst, alerts: previous.size };
}

if (require.main === module) {
  benchCycle();
}
