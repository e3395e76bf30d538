import type Database from 'better-sqlite3';

import { StoreError } from './errors';

/**
 * Schema changes in order: migration `i` takes a file from `user_version` i to i + 1. Append
 * new steps at the end; never edit a step that has shipped, since files in the field already
 * ran it.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE episodes (
    id            TEXT PRIMARY KEY,
    key           TEXT NOT NULL,
    node          TEXT NOT NULL,
    rule          TEXT NOT NULL,
    instance      TEXT NOT NULL,
    rule_title    TEXT NOT NULL,
    units         TEXT NOT NULL,
    started_at    INTEGER NOT NULL,
    ended_at      INTEGER,
    severity      TEXT NOT NULL CHECK (severity IN ('clear', 'warning', 'critical')),
    peak_severity TEXT NOT NULL CHECK (peak_severity IN ('clear', 'warning', 'critical')),
    last_value    REAL,
    threshold     REAL,
    ack_user      TEXT,
    ack_at        INTEGER,
    slack_channel TEXT,
    slack_ts      TEXT
  );
  CREATE INDEX episodes_by_key ON episodes (key, started_at);
  CREATE INDEX episodes_by_end ON episodes (ended_at) WHERE ended_at IS NOT NULL;

  CREATE TABLE alerts (
    key           TEXT PRIMARY KEY,
    node          TEXT NOT NULL,
    rule          TEXT NOT NULL,
    instance      TEXT NOT NULL,
    state         TEXT NOT NULL,
    recent_values TEXT NOT NULL,
    episode_id    TEXT REFERENCES episodes (id) ON DELETE SET NULL,
    updated_at    INTEGER NOT NULL
  );

  CREATE TABLE timeline (
    episode_id TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    at         INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    posted     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (episode_id, seq)
  );

  CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    episode_id      TEXT NOT NULL REFERENCES episodes (id) ON DELETE CASCADE,
    key             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    last_error      TEXT,
    permanent       INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_pending ON outbox (episode_id) WHERE delivered_at IS NULL AND permanent = 0;
  CREATE INDEX outbox_by_episode ON outbox (episode_id);

  -- One row the readiness probe writes inside a rolled-back transaction.
  CREATE TABLE write_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
  `,
  // 2: when the first post of an episode was attempted, so that only a delivery that may have
  // posted already pays for a channel-history search.
  `
  ALTER TABLE episodes ADD COLUMN post_attempted_at INTEGER;
  `,
];

/** The `user_version` this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Reads the schema version without writing anything. */
export function readSchemaVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Refuses a file written by a newer build before anything touches it, since an older schema
 * reader could misread or damage rows it does not know.
 */
export function assertKnownSchema(db: Database.Database, path: string): void {
  const version = readSchemaVersion(db);
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `state.path ${path} was written by a newer netdata-slack-bridge ` +
        `(schema ${version}, this one knows ${SCHEMA_VERSION}); upgrade, or point state.path ` +
        `(BRIDGE_STATE_PATH) elsewhere`,
    );
  }
}

/** Runs every pending migration in one transaction, so a crash leaves the old version intact. */
export function migrate(db: Database.Database, path: string): void {
  assertKnownSchema(db, path);

  const run = db.transaction(() => {
    const from = readSchemaVersion(db);
    for (let version = from; version < SCHEMA_VERSION; version += 1) {
      db.exec(MIGRATIONS[version] ?? '');
    }
    // PRAGMA takes no bound parameters; the value is a number this module computed.
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });

  try {
    run.immediate();
  } catch (error) {
    throw new StoreError(
      `state.path ${path}: upgrading the schema to version ${SCHEMA_VERSION} failed ` +
        `(${error instanceof Error ? error.message : String(error)}); the file was left at its ` +
        `previous version; fix the cause or point state.path elsewhere`,
      { cause: error },
    );
  }
}
