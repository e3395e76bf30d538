import Database from 'better-sqlite3';

/**
 * The schema as version 1 shipped it, frozen here so the upgrade is tested from a file an older
 * build really wrote, not from whatever the current migrations produce.
 */
const V1_SCHEMA = `
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

  CREATE TABLE write_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
`;

/** The ids of what `writeVersion1File` puts in the file. */
export const V1_POSTED_EPISODE = 'ep-v1-posted';
export const V1_WAITING_EPISODE = 'ep-v1-waiting';

/**
 * Writes a version-1 state file holding two open episodes of web-1's CPU and swap alerts: one
 * whose message Slack has, and one whose first post still waits in the outbox.
 */
export function writeVersion1File(file: string): void {
  const db = new Database(file);
  db.exec(V1_SCHEMA);

  const episode = db.prepare(`
    INSERT INTO episodes (id, key, node, rule, instance, rule_title, units, started_at,
      severity, peak_severity, last_value, threshold, ack_user, ack_at, slack_channel, slack_ts)
    VALUES (@id, @key, 'web-1', @rule, @instance, @title, '%', 1000,
      'critical', 'critical', 95, 90, @ackUser, @ackAt, @channel, @ts)`);
  episode.run({
    id: V1_POSTED_EPISODE,
    key: 'web-1/cpu/system.cpu',
    rule: 'cpu',
    instance: 'system.cpu',
    title: 'CPU utilization',
    ackUser: 'U1',
    ackAt: 1500,
    channel: 'C1',
    ts: '1700000000.000100',
  });
  episode.run({
    id: V1_WAITING_EPISODE,
    key: 'web-1/swap/mem.swap',
    rule: 'swap',
    instance: 'mem.swap',
    title: 'Swap used',
    ackUser: null,
    ackAt: null,
    channel: null,
    ts: null,
  });

  db.exec(`
    INSERT INTO timeline (episode_id, seq, at, kind, payload, posted) VALUES
      ('${V1_POSTED_EPISODE}', 1, 1000, 'transition',
        '{"from":"clear","to":"critical","value":95,"threshold":90}', 1),
      ('${V1_WAITING_EPISODE}', 1, 1000, 'transition',
        '{"from":"clear","to":"critical","value":95,"threshold":90}', 0);
    INSERT INTO outbox (episode_id, key, created_at, next_attempt_at)
      VALUES ('${V1_WAITING_EPISODE}', 'web-1/swap/mem.swap', 1000, 1000);
  `);
  db.pragma('user_version = 1');
  db.close();
}
