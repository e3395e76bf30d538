import type { Episode } from './alerts/types';
import { UNREACHABLE_RULE } from './poller/evaluate-cycle';

/**
 * The link behind "Open in Netdata": the chart's section on the agent's dashboard. A child of a
 * parent is reached through the parent's `/host/<node>/` path. `dashboardUrl` is what people
 * can open, which is not always the address the daemon polls.
 *
 * The v1 dashboard can only scroll to a chart's menu section (`#menu_<type>`), not to one chart.
 */
export function chartUrlFor(
  episode: Episode,
  dashboardUrl: string,
  localNode: string | undefined,
): string {
  const base = dashboardUrl.replace(/\/+$/, '');
  const { node, rule, instance } = episode.identity;
  const hostPath =
    localNode === undefined || node === localNode ? '' : `/host/${encodeURIComponent(node)}`;
  if (rule === UNREACHABLE_RULE) {
    return `${base}${hostPath}/`;
  }
  const type = instance.split('.')[0] ?? instance;
  return `${base}${hostPath}/#menu_${encodeURIComponent(type)}`;
}
