import { randomUUID } from 'node:crypto';

import type { Logger } from '../logging/logger';
import type { AlertIdentity, Severity, Transition } from '../rules/types';
import { severityRank } from '../rules/types';
import type { Statements } from './store-statements';
import { timelinePayload } from './store-rows';
import type { EvaluatedAlert, TimelineEvent } from './types';

/**
 * The write side of episodes, shared by the store's transactions. Nothing here opens a
 * transaction: callers run these inside one so a change, its timeline line and its outbox
 * entry are committed together or not at all.
 */
export class EpisodeWriter {
  constructor(
    private readonly statements: Statements,
    private readonly logger: Logger,
  ) {}

  /** Appends a timeline line and queues a notification for the episode. */
  record(episodeId: string, key: string, event: TimelineEvent, at: number, now: number): void {
    this.statements.insertTimeline.run({
      episodeId,
      at,
      kind: event.kind,
      payload: timelinePayload(event),
    });
    this.statements.insertOutbox.run({ episodeId, key, now });
  }

  /**
   * Applies one transition and returns the episode id the alert points at afterwards (undefined
   * once clear) plus the episode touched.
   */
  applyTransition(
    evaluated: EvaluatedAlert,
    transition: Transition,
    openEpisodeId: string | undefined,
    now: number,
  ): { episodeId: string | undefined; touched: string } {
    const key = evaluated.identity.key;
    let episodeId = openEpisodeId;

    if (episodeId !== undefined && transition.from === 'clear') {
      // A clear alert cannot own an open episode; end the stale one so a key has at most one.
      this.logger.warn('open episode found for a clear alert; ending it', {
        event: 'store.stale_episode',
        key,
        episode: episodeId,
      });
      this.statements.endEpisode.run({ id: episodeId, at: transition.at });
      episodeId = undefined;
    }

    if (episodeId === undefined) {
      episodeId = this.openEpisode(evaluated, transition);
    }

    this.updateEpisode(episodeId, transition);
    this.record(episodeId, key, transitionEvent(transition), transition.at, now);

    return {
      episodeId: transition.to === 'clear' ? undefined : episodeId,
      touched: episodeId,
    };
  }

  /**
   * Opens an episode. A transition that does not start from clear while no episode is open
   * (a damaged or hand-edited row) still gets one, so its notification is not lost.
   */
  private openEpisode(evaluated: EvaluatedAlert, transition: Transition): string {
    const id = randomUUID();
    const identity: AlertIdentity = evaluated.identity;
    const severity: Severity = transition.from === 'clear' ? transition.to : transition.from;

    this.statements.insertEpisode.run({
      id,
      key: identity.key,
      node: identity.node,
      rule: identity.rule,
      instance: identity.instance,
      ruleTitle: evaluated.ruleTitle,
      units: evaluated.units,
      startedAt: transition.at,
      severity,
      lastValue: transition.value,
      threshold: transition.threshold ?? null,
    });

    return id;
  }

  private updateEpisode(id: string, transition: Transition): void {
    const row = this.statements.getEpisode.get(id);
    const peak = row?.peak_severity as Severity | undefined;
    const peakSeverity =
      peak !== undefined && severityRank(peak) >= severityRank(transition.to)
        ? peak
        : transition.to;

    this.statements.updateEpisode.run({
      id,
      severity: transition.to,
      peakSeverity,
      lastValue: transition.value,
      threshold: transition.threshold ?? null,
      endedAt: transition.to === 'clear' ? transition.at : null,
    });
  }
}

function transitionEvent(transition: Transition): TimelineEvent {
  return {
    kind: 'transition',
    from: transition.from,
    to: transition.to,
    value: transition.value,
    threshold: transition.threshold,
  };
}
