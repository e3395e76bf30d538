import type { Logger } from '../logging/logger';
import type { DeliveryRequest, DeliveryResult, Notifier } from './notifier';
import type { TimelineEntry } from './types';

/**
 * Console mode: what would go to Slack goes to the log instead, one `notification.console` line
 * per delivery, with the alert key and the timeline lines that are new.
 */
export class ConsoleNotifier implements Notifier {
  readonly name = 'console';

  constructor(private readonly logger: Logger) {}

  async deliver(request: DeliveryRequest): Promise<DeliveryResult> {
    const { episode, unposted } = request;
    const status = episode.endedAt === undefined ? episode.severity : 'resolved';
    this.logger.info(`${episode.ruleTitle} on ${episode.identity.node}: ${status}`, {
      event: 'notification.console',
      key: episode.identity.key,
      episode: episode.id,
      status,
      value: episode.lastValue,
      units: episode.units,
      acknowledgedBy: episode.acknowledgement?.user,
      lines: unposted.map(describeEntry),
      chartUrl: request.chartUrl,
    });
    return { ok: true, message: undefined, postedSeqs: unposted.map((entry) => entry.seq) };
  }
}

function describeEntry(entry: TimelineEntry): string {
  const at = new Date(entry.at).toISOString();
  switch (entry.kind) {
    case 'transition':
      return `${at} ${entry.from} -> ${entry.to} at ${entry.value}`;
    case 'acknowledged':
      return `${at} acknowledged by ${entry.user}`;
    case 'unacknowledged':
      return `${at} unacknowledged by ${entry.user}`;
    case 'rule_removed':
      return `${at} rule removed from the config`;
  }
}
