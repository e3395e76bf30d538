import { planCycle } from '../../../src/poller/plan';
import type { Rule } from '../../../src/rules/types';
import { DEFAULT_CPU_RULE } from '../../support/rules';

const bandwidth: Rule = {
  ...DEFAULT_CPU_RULE,
  id: 'bandwidth_in',
  charts: ['net.*'],
  dimensions: ['received'],
};
const node = { name: 'vm', local: true };

function chartsOf(lists: Record<string, string[]>): Map<string, string[]> {
  return new Map(Object.entries(lists));
}

describe('planCycle', () => {
  it('follows a node whose chart list was fetched again with new interfaces', () => {
    const first = planCycle([node], [bandwidth], chartsOf({ vm: ['system.cpu', 'net.eth0'] }));
    const again = planCycle(
      [node],
      [bandwidth],
      chartsOf({ vm: ['system.cpu', 'net.eth0', 'net.eth1'] }),
    );

    expect(first.fetches.map((fetch) => fetch.chart)).toEqual(['net.eth0']);
    expect(again.fetches.map((fetch) => fetch.chart)).toEqual(['net.eth0', 'net.eth1']);
  });

  it('matches the same list for several rules and nodes independently', () => {
    const list = ['system.cpu', 'net.eth0'];
    const plan = planCycle(
      [node, { name: 'web-1', local: false }],
      [DEFAULT_CPU_RULE, bandwidth],
      chartsOf({ vm: list, 'web-1': list }),
    );

    expect(plan.fetches.map((fetch) => `${fetch.node.name}:${fetch.chart}`)).toEqual([
      'vm:system.cpu',
      'vm:net.eth0',
      'web-1:system.cpu',
      'web-1:net.eth0',
    ]);
    expect(plan.fetches[1]?.bindings.map((binding) => binding.identity.key)).toEqual([
      'vm/bandwidth_in/net.eth0',
    ]);
  });

  it('lists a rule that matches no chart as not applying, and falls back to a plain name when the list is unknown', () => {
    const swap: Rule = { ...DEFAULT_CPU_RULE, id: 'swap', charts: ['mem.swap', 'system.swap'] };

    const known = planCycle([node], [swap], chartsOf({ vm: ['system.cpu'] }));
    const unknown = planCycle([node], [swap], new Map());

    expect(known.unmatched).toEqual([
      { node: 'vm', rule: 'swap', charts: ['mem.swap', 'system.swap'] },
    ]);
    expect(unknown.fetches.map((fetch) => fetch.chart)).toEqual(['mem.swap']);
  });
});
