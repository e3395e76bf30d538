import fs from 'node:fs';
import nodePath from 'node:path';

import Database from 'better-sqlite3';

import { describeError, StoreError } from './errors';
import { assertKnownSchema, migrate } from './store-schema';

/** Every SQLite 3 file starts with these 16 bytes. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** How long a write waits for another connection's lock before failing with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

function unwritable(path: string, cause: unknown): StoreError {
  return new StoreError(
    `state.path ${path}: cannot create or write the state file (${describeError(cause)}); ` +
      `fix permissions or set state.path / BRIDGE_STATE_PATH to a writable file`,
    { cause },
  );
}

function notSqlite(path: string, cause?: unknown): StoreError {
  return new StoreError(
    `state.path ${path} is not a SQLite database; move it aside or point state.path ` +
      `(BRIDGE_STATE_PATH) elsewhere; it was not modified`,
    { cause },
  );
}

/**
 * Looks at the first bytes before SQLite opens the file, so that a file holding something else
 * is refused without a single byte written. An empty file is a valid, empty database.
 */
function assertSqliteOrEmpty(path: string): void {
  let handle: number;
  try {
    handle = fs.openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return;
    }
    throw unwritable(path, error);
  }

  let read: number;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  try {
    read = fs.readSync(handle, header, 0, header.length, 0);
  } catch (error) {
    throw unwritable(path, error);
  } finally {
    fs.closeSync(handle);
  }

  if (read > 0 && !header.subarray(0, read).equals(SQLITE_HEADER)) {
    throw notSqlite(path);
  }
}

function connect(path: string): Database.Database {
  try {
    fs.mkdirSync(nodePath.dirname(path), { recursive: true });
  } catch (error) {
    throw unwritable(path, error);
  }

  try {
    return new Database(path);
  } catch (error) {
    throw unwritable(path, error);
  }
}

function configure(db: Database.Database, path: string): void {
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    assertKnownSchema(db, path);
    db.pragma('journal_mode = WAL');
    // Transitions are rare; a reboot right after one must not lose it, so fsync every commit.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
  } catch (error) {
    if (error instanceof StoreError) {
      throw error;
    }
    if ((error as { code?: unknown }).code === 'SQLITE_NOTADB') {
      throw notSqlite(path, error);
    }
    throw unwritable(path, error);
  }
}

/**
 * Opens (creating file and folder on first start) and migrates the state database. Never
 * replaces or truncates an existing file: anything unexpected is refused with a StoreError.
 */
export function openDatabase(path: string): Database.Database {
  assertSqliteOrEmpty(path);

  const db = connect(path);
  try {
    configure(db, path);
    migrate(db, path);
  } catch (error) {
    db.close();
    throw error;
  }

  return db;
}
