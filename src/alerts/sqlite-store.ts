import type Database from 'better-sqlite3';

import type { Logger } from '../logging/logger';
import { createSilentLogger } from '../logging/logger';
import { EpisodeWriter } from './episode-writer';
import { describeError, StoreError } from './errors';
import { openDatabase } from './store-open';
import { SCHEMA_VERSION } from './store-schema';
import type { EpisodeRow } from './store-rows';
import { toEpisode, toStoredAlert } from './store-rows';
import type { Statements } from './store-statements';
import { prepareStatements } from './store-statements';
import type {
  AckResult,
  AlertStore,
  Episode,
  EvaluatedAlert,
  MessageRef,
  PendingDelivery,
  StoredAlert,
} from './types';
import { RECENT_VALUES } from './types';

export interface SqliteAlertStoreOptions {
  /** Milliseconds since the epoch; stamps outbox entries. Defaults to `Date.now`. */
  clock?: () => number;
  logger?: Logger;
}

/** Thrown inside a transaction to roll it back on purpose. */
class Rollback extends Error {}

/**
 * The alert store on one SQLite file (WAL, fsync on every commit). Every method that writes
 * more than one row does it in one immediate transaction, so a crash leaves either all of a
 * change or none of it, and a second process on the same file waits instead of interleaving.
 */
export class SqliteAlertStore implements AlertStore {
  private readonly statements: Statements;
  private readonly writer: EpisodeWriter;

  private constructor(
    private readonly db: Database.Database,
    private readonly path: string,
    private readonly clock: () => number,
    logger: Logger,
  ) {
    this.statements = prepareStatements(db);
    this.writer = new EpisodeWriter(this.statements, logger);
  }

  /** Opens or creates the state file (and its folder); throws StoreError naming `state.path`. */
  static open(path: string, options: SqliteAlertStoreOptions = {}): SqliteAlertStore {
    const logger = options.logger ?? createSilentLogger();
    const db = openDatabase(path);
    logger.info('state store opened', { event: 'store.opened', path, schema: SCHEMA_VERSION });

    return new SqliteAlertStore(db, path, options.clock ?? Date.now, logger);
  }

  getAlert(key: string): StoredAlert | undefined {
    const row = this.statements.getAlert.get(key);
    return row === undefined ? undefined : toStoredAlert(row);
  }

  listAlerts(): StoredAlert[] {
    return this.statements.listAlerts.all().map(toStoredAlert);
  }

  applyEvaluations(evaluated: EvaluatedAlert[]): Episode[] {
    const now = this.clock();

    const applyAll = (): string[] => {
      const ids: string[] = [];
      for (const item of evaluated) {
        const id = this.applyOne(item, now);
        if (id !== undefined) {
          ids.push(id);
        }
      }
      return ids;
    };
    const notifies = evaluated.some((item) => item.transition !== undefined);
    const touched = notifies ? this.write(applyAll) : this.writeWithoutFsync(applyAll);

    return [...new Set(touched)].map((id) => this.loadEpisode(id));
  }

  getEpisode(id: string): Episode | undefined {
    const row = this.statements.getEpisode.get(id);
    return row === undefined ? undefined : this.toEpisode(row);
  }

  acknowledge(episodeId: string, user: string, at: number): AckResult {
    return this.changeAck(episodeId, user, at, 'acknowledged');
  }

  unacknowledge(episodeId: string, user: string, at: number): AckResult {
    return this.changeAck(episodeId, user, at, 'unacknowledged');
  }

  closeForRemovedRule(key: string, at: number): Episode | undefined {
    const now = this.clock();

    const closed = this.write(() => {
      const episodeId = this.openEpisodeOf(key);
      if (episodeId !== undefined) {
        this.statements.endEpisode.run({ id: episodeId, at });
        this.writer.record(episodeId, key, { kind: 'rule_removed' }, at, now);
      }
      this.statements.deleteAlert.run(key);
      return episodeId;
    });

    return closed === undefined ? undefined : this.loadEpisode(closed);
  }

  dueDeliveries(now: number, limit: number): PendingDelivery[] {
    const rows = this.statements.dueDeliveries.all({ now, limit });

    return rows.map((row) => ({
      episode: this.loadEpisode(row.episode_id),
      outboxIds: (JSON.parse(row.ids) as number[]).sort((a, b) => a - b),
      attempts: row.attempts,
      oldestAt: row.oldest_at,
    }));
  }

  setMessageRef(episodeId: string, message: MessageRef): void {
    this.statements.setMessageRef.run({ id: episodeId, channel: message.channel, ts: message.ts });
  }

  markPostAttempt(episodeId: string, at: number): void {
    this.statements.markPostAttempt.run({ id: episodeId, at });
  }

  markDelivered(episodeId: string, outboxIds: number[], postedSeqs: number[], at: number): void {
    this.write(() => {
      for (const id of outboxIds) {
        this.statements.markDelivered.run({ id, at });
      }
      for (const seq of postedSeqs) {
        this.statements.markPosted.run({ episodeId, seq });
      }
    });
  }

  markFailed(outboxIds: number[], nextAttemptAt: number, error: string, permanent: boolean): void {
    this.write(() => {
      for (const id of outboxIds) {
        this.statements.markFailed.run({ id, nextAttemptAt, error, permanent: permanent ? 1 : 0 });
      }
    });
  }

  outboxStats(): { depth: number; oldestAt: number | undefined } {
    const row = this.statements.outboxStats.get();
    return { depth: row?.depth ?? 0, oldestAt: row?.oldest_at ?? undefined };
  }

  prune(before: number): number {
    return this.write(() => {
      const ids = this.statements.prunable.all({ before }).map((row) => row.id);
      for (const id of ids) {
        this.statements.deleteOutboxOf.run(id);
        this.statements.deleteTimelineOf.run(id);
        this.statements.deleteEpisode.run(id);
      }
      return ids.length;
    });
  }

  checkWritable(): void {
    try {
      this.db
        .transaction(() => {
          this.statements.writeProbe.run({ at: this.clock() });
          throw new Rollback();
        })
        .immediate();
    } catch (error) {
      if (error instanceof Rollback) {
        return;
      }
      throw new StoreError(
        `state.path ${this.path}: the state file cannot be written (${describeError(error)}); ` +
          `fix permissions or free disk space, or set state.path / BRIDGE_STATE_PATH to a ` +
          `writable file`,
        { cause: error },
      );
    }
  }

  close(): void {
    if (this.db.open) {
      this.db.close();
    }
  }

  /** Runs `fn` in an immediate transaction: all of it commits, or none of it. */
  private write<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * A cycle without transitions only moves values and hold timers, which the next cycle
   * rewrites anyway: it is committed without waiting for the disk (WAL keeps it consistent
   * through a crash; a power cut may lose the last few such cycles, never a transition). This
   * saves an fsync every cycle, most of an idle daemon's cost.
   */
  private writeWithoutFsync<T>(fn: () => T): T {
    this.db.pragma('synchronous = NORMAL');
    try {
      return this.write(fn);
    } finally {
      this.db.pragma('synchronous = FULL');
    }
  }

  /** Upserts one alert and applies its transition; returns the episode touched, if any. */
  private applyOne(item: EvaluatedAlert, now: number): string | undefined {
    const key = item.identity.key;
    const previous = this.statements.getAlert.get(key);
    const recentValues = previous === undefined ? [] : toStoredAlert(previous).recentValues;
    if (item.value !== undefined && Number.isFinite(item.value)) {
      recentValues.push(item.value);
    }

    let episodeId = this.openEpisodeOf(key);
    let touched: string | undefined;
    if (item.transition !== undefined) {
      const result = this.writer.applyTransition(item, item.transition, episodeId, now);
      episodeId = result.episodeId;
      touched = result.touched;
    }

    this.statements.upsertAlert.run({
      key,
      node: item.identity.node,
      rule: item.identity.rule,
      instance: item.identity.instance,
      state: JSON.stringify(item.state),
      recentValues: JSON.stringify(recentValues.slice(-RECENT_VALUES)),
      episodeId: episodeId ?? null,
      updatedAt: now,
    });

    return touched;
  }

  /** The alert's episode if it exists and is still open; a dangling pointer counts as none. */
  private openEpisodeOf(key: string): string | undefined {
    const id = this.statements.getAlert.get(key)?.episode_id ?? undefined;
    if (id === undefined) {
      return undefined;
    }

    const row = this.statements.getEpisode.get(id);
    return row !== undefined && row.ended_at === null ? id : undefined;
  }

  private changeAck(
    episodeId: string,
    user: string,
    at: number,
    outcome: 'acknowledged' | 'unacknowledged',
  ): AckResult {
    const now = this.clock();

    const result = this.write(() => {
      const row = this.statements.getEpisode.get(episodeId);
      if (row === undefined) {
        return 'not_found' as const;
      }

      const changes =
        outcome === 'acknowledged'
          ? this.statements.setAck.run({ id: episodeId, user, at }).changes
          : this.statements.clearAck.run({ id: episodeId }).changes;
      if (changes === 0) {
        return 'unchanged' as const;
      }

      this.writer.record(episodeId, row.key, { kind: outcome, user }, at, now);
      return outcome;
    });

    if (result === 'not_found') {
      return { outcome: 'not_found' };
    }
    return { outcome: result, episode: this.loadEpisode(episodeId) };
  }

  private loadEpisode(id: string): Episode {
    const episode = this.getEpisode(id);
    if (episode === undefined) {
      throw new StoreError(`state.path ${this.path}: episode ${id} vanished while being read`);
    }
    return episode;
  }

  private toEpisode(row: EpisodeRow): Episode {
    return toEpisode(row, this.statements.getTimeline.all(row.id));
  }
}
