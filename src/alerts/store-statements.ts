import type Database from 'better-sqlite3';

import type { AlertRow, EpisodeRow, PendingRow, TimelineRow } from './store-rows';

/**
 * Every statement the store runs, prepared once at open. Named parameters keep the SQL readable
 * next to the objects that feed it.
 */
export function prepareStatements(db: Database.Database) {
  return {
    getAlert: db.prepare<[string], AlertRow>('SELECT * FROM alerts WHERE key = ?'),
    listAlerts: db.prepare<[], AlertRow>('SELECT * FROM alerts ORDER BY key'),
    upsertAlert: db.prepare(`
      INSERT INTO alerts (key, node, rule, instance, state, recent_values, episode_id, updated_at)
      VALUES (@key, @node, @rule, @instance, @state, @recentValues, @episodeId, @updatedAt)
      ON CONFLICT (key) DO UPDATE SET
        state = excluded.state, recent_values = excluded.recent_values,
        episode_id = excluded.episode_id, updated_at = excluded.updated_at`),
    deleteAlert: db.prepare<[string]>('DELETE FROM alerts WHERE key = ?'),

    getEpisode: db.prepare<[string], EpisodeRow>('SELECT * FROM episodes WHERE id = ?'),
    getTimeline: db.prepare<[string], TimelineRow>(
      'SELECT seq, at, kind, payload, posted FROM timeline WHERE episode_id = ? ORDER BY seq',
    ),
    insertEpisode: db.prepare(`
      INSERT INTO episodes (id, key, node, rule, instance, rule_title, units, started_at,
        severity, peak_severity, last_value, threshold)
      VALUES (@id, @key, @node, @rule, @instance, @ruleTitle, @units, @startedAt,
        @severity, @severity, @lastValue, @threshold)`),
    updateEpisode: db.prepare(`
      UPDATE episodes SET severity = @severity, peak_severity = @peakSeverity,
        last_value = @lastValue, threshold = @threshold, ended_at = @endedAt
      WHERE id = @id`),
    endEpisode: db.prepare<{ id: string; at: number }>(
      'UPDATE episodes SET ended_at = @at WHERE id = @id AND ended_at IS NULL',
    ),
    /** Conditional on the current state, so two clicks at once record exactly one change. */
    setAck: db.prepare<{ id: string; user: string; at: number }>(`
      UPDATE episodes SET ack_user = @user, ack_at = @at
      WHERE id = @id AND ended_at IS NULL AND ack_user IS NULL`),
    clearAck: db.prepare<{ id: string }>(`
      UPDATE episodes SET ack_user = NULL, ack_at = NULL
      WHERE id = @id AND ended_at IS NULL AND ack_user IS NOT NULL`),
    setMessageRef: db.prepare<{ id: string; channel: string; ts: string }>(
      'UPDATE episodes SET slack_channel = @channel, slack_ts = @ts WHERE id = @id',
    ),
    /** Keeps the first attempt's time: a later attempt must not hide that one came before. */
    markPostAttempt: db.prepare<{ id: string; at: number }>(
      'UPDATE episodes SET post_attempted_at = @at WHERE id = @id AND post_attempted_at IS NULL',
    ),

    insertTimeline: db.prepare<{ episodeId: string; at: number; kind: string; payload: string }>(`
      INSERT INTO timeline (episode_id, seq, at, kind, payload)
      VALUES (@episodeId,
        (SELECT COALESCE(MAX(seq), 0) + 1 FROM timeline WHERE episode_id = @episodeId),
        @at, @kind, @payload)`),
    markPosted: db.prepare<{ episodeId: string; seq: number }>(
      'UPDATE timeline SET posted = 1 WHERE episode_id = @episodeId AND seq = @seq',
    ),

    /**
     * A new entry waits for the episode's pending retry time, so a Retry-After or a backoff
     * still holds when another transition arrives during an outage.
     */
    insertOutbox: db.prepare<{ episodeId: string; key: string; now: number }>(`
      INSERT INTO outbox (episode_id, key, created_at, next_attempt_at)
      VALUES (@episodeId, @key, @now, MAX(@now, COALESCE((
        SELECT MAX(next_attempt_at) FROM outbox
        WHERE episode_id = @episodeId AND delivered_at IS NULL AND permanent = 0), 0)))`),
    markDelivered: db.prepare<{ id: number; at: number }>(
      'UPDATE outbox SET delivered_at = @at, last_error = NULL WHERE id = @id',
    ),
    markFailed: db.prepare<{
      id: number;
      nextAttemptAt: number;
      error: string;
      permanent: number;
    }>(`
      UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt,
        last_error = @error, permanent = @permanent
      WHERE id = @id AND delivered_at IS NULL`),
    /**
     * One row per episode with waiting entries, oldest first. An episode is held back while an
     * earlier episode of the same alert still waits: every entry of an earlier episode has a
     * smaller id, because an episode ends before the next one of its key opens.
     */
    dueDeliveries: db.prepare<{ now: number; limit: number }, PendingRow>(`
      WITH pending AS (
        SELECT episode_id, key, MIN(id) AS first_id, MIN(next_attempt_at) AS next_at,
          MAX(attempts) AS attempts, MIN(created_at) AS oldest_at, json_group_array(id) AS ids
        FROM outbox WHERE delivered_at IS NULL AND permanent = 0
        GROUP BY episode_id
      )
      SELECT p.episode_id, p.ids, p.attempts, p.oldest_at FROM pending p
      WHERE p.next_at <= @now
        AND NOT EXISTS (SELECT 1 FROM pending q WHERE q.key = p.key AND q.first_id < p.first_id)
      ORDER BY p.first_id
      LIMIT @limit`),
    outboxStats: db.prepare<[], { depth: number; oldest_at: number | null }>(`
      SELECT COUNT(*) AS depth, MIN(created_at) AS oldest_at FROM outbox
      WHERE delivered_at IS NULL AND permanent = 0`),

    /**
     * Ended episodes with nothing left to retry. Entries that failed permanently were kept for
     * inspection until now and go with their episode.
     */
    prunable: db.prepare<{ before: number }, { id: string }>(`
      SELECT e.id FROM episodes e
      WHERE e.ended_at IS NOT NULL AND e.ended_at < @before
        AND NOT EXISTS (SELECT 1 FROM outbox o
          WHERE o.episode_id = e.id AND o.delivered_at IS NULL AND o.permanent = 0)`),
    deleteOutboxOf: db.prepare<[string]>('DELETE FROM outbox WHERE episode_id = ?'),
    deleteTimelineOf: db.prepare<[string]>('DELETE FROM timeline WHERE episode_id = ?'),
    deleteEpisode: db.prepare<[string]>('DELETE FROM episodes WHERE id = ?'),

    writeProbe: db.prepare<{ at: number }>(
      'INSERT OR REPLACE INTO write_probe (id, at) VALUES (1, @at)',
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
