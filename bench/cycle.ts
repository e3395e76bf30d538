import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { StoredAlert } from '../src/alerts/types';
import { parseChartData, parseJson } from '../src/netdata/parse';
import type { NodeTarget } from '../src/netdata/types';
import { evaluateCycle, type FetchOutcome } from '../src/poller/evaluate-cycle';
import { planCycle } from '../src/poller/plan';
import type { Rule } from '../src/rules/types';
import { DEFAULT_CPU_RULE } from '../test/support/rules';

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

/** The four rules of the benchmark, on the charts the recorded answers cover. */
const RULES: Rule[] = [
  DEFAULT_CPU_RULE,
  { ...DEFAULT_CPU_RULE, id: 'ram', charts: ['system.ram'], dimensions: ['used'] },
  {
    ...DEFAULT_CPU_RULE,
    id: 'bandwidth_in',
    charts: ['net.*'],
    dimensions: ['received'],
    absolute: true,
  },
  {
    ...DEFAULT_CPU_RULE,
    id: 'bandwidth_out',
    charts: ['net.*'],
    dimensions: ['sent'],
    absolute: true,
  },
];

/**
 * The recorded answers, cut to their newest row: the daemon asks for `points=1`, so that is
 * what the agent sends it (the recordings were taken with several points).
 */
function newestRowOnly(file: string): string {
  const body = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as {
    result: { data: unknown[] };
  };
  body.result.data = body.result.data.slice(0, 1);
  return JSON.stringify(body);
}

const BODIES: Record<string, string> = {
  'system.cpu': newestRowOnly('data-system.cpu-under-load-jsonwrap.json'),
  'system.ram': newestRowOnly('data-system.ram-used-percentage.json'),
  'net.eth0': newestRowOnly('data-net.eth0-jsonwrap-abs.json'),
};

/** Every chart id of the recorded agent, so rules are matched against a real-sized list. */
const CHART_IDS = Object.keys(
  (JSON.parse(readFileSync(path.join(FIXTURES, 'charts.json'), 'utf8')) as { charts: object })
    .charts,
);

/**
 * Cycles run before measuring: the first ones pay for V8 compiling the code and for matching
 * rules against each node's fresh chart list (cached until the list is fetched again), both
 * once per start or discovery, not per cycle.
 */
const WARM_UP_CYCLES = 6;

function cpuMs(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** CPU time of one cycle, over the measured cycles (the warm-up cycles are dropped). */
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
  // Each node has its own list, as the chart catalog keeps one per node.
  const charts = new Map(nodes.map((node) => [node.name, [...CHART_IDS]]));
  let previous = new Map<string, StoredAlert>();
  const timings: number[] = [];

  for (let cycle = 0; cycle < cycles + WARM_UP_CYCLES; cycle += 1) {
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
    if (cycle >= WARM_UP_CYCLES) {
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
