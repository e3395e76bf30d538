import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import Database from 'better-sqlite3';

import { StoreError } from '../../../src/alerts/errors';
import { SqliteAlertStore } from '../../../src/alerts/sqlite-store';
import { SCHEMA_VERSION } from '../../../src/alerts/store-schema';
import { CPU, moved, removeTempDirs, tempDir } from './helpers';
import { V1_POSTED_EPISODE, V1_WAITING_EPISODE, writeVersion1File } from './schema-v1';

afterEach(removeTempDirs);

function userVersion(file: string): number {
  const db = new Database(file, { readonly: true });
  const version = Number(db.pragma('user_version', { simple: true }));
  db.close();
  return version;
}

function openError(file: string): StoreError {
  try {
    SqliteAlertStore.open(file).close();
  } catch (error) {
    if (error instanceof StoreError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected opening ${file} to fail`);
}

describe('opening the state file', () => {
  it('creates the folder and a file at the current schema version', () => {
    const file = path.join(tempDir(), 'data', 'bridge.sqlite');

    SqliteAlertStore.open(file).close();

    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('migrates an empty existing file to the current version', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    fs.writeFileSync(file, '');

    SqliteAlertStore.open(file).close();

    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  it('reopens a current file without touching its data', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    const store = SqliteAlertStore.open(file);
    const [episode] = store.applyEvaluations([moved(CPU, 'clear', 'warning', 82, 1000)]);
    store.close();

    const reopened = SqliteAlertStore.open(file);

    expect(reopened.getEpisode(episode?.id ?? '')).toEqual(episode);
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
    reopened.close();
  });

  it('upgrades a version-1 file to the current version, its episodes read as never attempted', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    writeVersion1File(file);

    const store = SqliteAlertStore.open(file);

    expect(userVersion(file)).toBe(SCHEMA_VERSION);
    expect(store.getEpisode(V1_POSTED_EPISODE)).toMatchObject({
      identity: { key: 'web-1/cpu/system.cpu', node: 'web-1', rule: 'cpu', instance: 'system.cpu' },
      ruleTitle: 'CPU utilization',
      severity: 'critical',
      acknowledgement: { user: 'U1', at: 1500 },
      message: { channel: 'C1', ts: '1700000000.000100' },
      timeline: [{ kind: 'transition', to: 'critical', seq: 1, posted: true }],
    });
    expect(store.getEpisode(V1_POSTED_EPISODE)?.postAttemptedAt).toBeUndefined();
    const [waiting] = store.dueDeliveries(1000, 10);
    expect(waiting?.episode).toMatchObject({ id: V1_WAITING_EPISODE, message: undefined });
    expect(waiting?.episode.postAttemptedAt).toBeUndefined();
    store.close();
  });

  it('records post attempts in an upgraded version-1 file', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    writeVersion1File(file);
    const store = SqliteAlertStore.open(file);

    store.markPostAttempt(V1_WAITING_EPISODE, 2000);
    store.close();

    const reopened = SqliteAlertStore.open(file);
    expect(reopened.getEpisode(V1_WAITING_EPISODE)?.postAttemptedAt).toBe(2000);
    reopened.close();
  });

  it('leaves the file in WAL mode, so readers never block the poll cycle writing', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    SqliteAlertStore.open(file).close();

    const db = new Database(file);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('leaves a file at its old version when a migration step fails', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE episodes (whatever TEXT); INSERT INTO episodes VALUES (1)');
    db.close();

    expect(openError(file).message).toMatch(
      /upgrading the schema to version \d+ failed .*left at its previous version/,
    );

    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(0);
    expect(after.prepare('SELECT name FROM sqlite_master ORDER BY name').all()).toEqual([
      { name: 'episodes' },
    ]);
    after.close();
  });

  it('refuses a file from a newer version and names both schema versions', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = fs.readFileSync(file);

    const error = openError(file);

    expect(error.message).toBe(
      `state.path ${file} was written by a newer netdata-slack-bridge ` +
        `(schema ${SCHEMA_VERSION + 1}, this one knows ${SCHEMA_VERSION}); upgrade, or point ` +
        `state.path (BRIDGE_STATE_PATH) elsewhere`,
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a file that is not SQLite and leaves it byte for byte as it was', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    const content = Buffer.concat([Buffer.from('not a database\n'), randomBytes(4096)]);
    fs.writeFileSync(file, content);

    const error = openError(file);

    expect(error.message).toMatch(/is not a SQLite database; move it aside .*it was not modified/);
    expect(fs.readFileSync(file).equals(content)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['bridge.sqlite']);
  });

  it('refuses a file shorter than a SQLite header', () => {
    const file = path.join(tempDir(), 'bridge.sqlite');
    fs.writeFileSync(file, 'SQLite');

    expect(openError(file).message).toMatch(/is not a SQLite database/);
    expect(fs.readFileSync(file, 'utf8')).toBe('SQLite');
  });

  it('refuses a path whose folder cannot be created and says how to fix it', () => {
    // Root ignores permission bits, so a regular file stands in for an unwritable folder.
    const blocker = path.join(tempDir(), 'file.txt');
    fs.writeFileSync(blocker, 'in the way');
    const file = path.join(blocker, 'state.sqlite');

    const error = openError(file);

    expect(error.message).toMatch(
      new RegExp(
        `^state\\.path ${file}: cannot create or write .*fix permissions or set state\\.path / BRIDGE_STATE_PATH to a writable file$`,
      ),
    );
    expect(error.cause).toBeDefined();
  });

  it('refuses a path that is a folder', () => {
    const dir = tempDir();

    expect(openError(dir).message).toMatch(/cannot create or write/);
  });
});
