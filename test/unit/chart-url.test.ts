import type { Episode } from '../../src/alerts/types';
import { chartUrlFor } from '../../src/chart-url';
import { alertIdentity } from '../../src/rules/types';

function episodeOf(node: string, rule: string, instance: string): Episode {
  return { identity: alertIdentity(node, rule, instance) } as Episode;
}

describe('chartUrlFor', () => {
  it.each<[string, Episode, string]>([
    [
      'the chart section on the local agent',
      episodeOf('vm', 'cpu', 'system.cpu'),
      'http://nd:19999/#menu_system',
    ],
    [
      'a child through the parent',
      episodeOf('web-1', 'bandwidth_in', 'net.eth0'),
      'http://nd:19999/host/web-1/#menu_net',
    ],
    [
      'the dashboard of an agent that stopped answering',
      episodeOf('vm', 'netdata_unreachable', 'agent'),
      'http://nd:19999/',
    ],
  ])('links to %s', (_name, episode, url) => {
    expect(chartUrlFor(episode, 'http://nd:19999/', 'vm')).toBe(url);
  });

  it('encodes node names that are not URL-safe', () => {
    expect(chartUrlFor(episodeOf('db 1', 'cpu', 'system.cpu'), 'http://nd:19999', 'vm')).toBe(
      'http://nd:19999/host/db%201/#menu_system',
    );
  });
});
