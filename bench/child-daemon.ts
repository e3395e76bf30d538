import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The repository root, from bench/ under ts or dist-bench/bench/ once compiled. */
export const ROOT = path.resolve(__dirname, __dirname.includes('dist-bench') ? '../..' : '..');

/** The daemon as `npm run build` leaves it. */
const CLI = path.join(ROOT, 'dist/cli.js');

export type LogLine = Record<string, unknown> & { event?: string };

/**
 * The built daemon as a child process with its JSON log lines parsed, for benchmarks that
 * measure it from outside. test/support/daemon-process.ts does the same for tests but finds
 * the CLI relative to its own location, which differs once compiled to dist-bench.
 */
export class ChildDaemon {
  private readonly lines: LogLine[] = [];
  private waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  private readonly exited: Promise<unknown>;

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => this.onLine(text));
    child.stderr?.resume();
    this.exited = once(child, 'exit');
  }

  static start(args: string[], env: NodeJS.ProcessEnv): ChildDaemon {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildDaemon(child);
  }

  get pid(): number {
    if (this.child.pid === undefined) {
      throw new Error('the daemon did not start');
    }
    return this.child.pid;
  }

  /** The first line, seen or to come, that matches; rejects after `timeoutMs`. */
  waitFor(match: (line: LogLine) => boolean, description: string, timeoutMs = 30_000) {
    const seen = this.lines.find(match);
    if (seen) {
      return Promise.resolve(seen);
    }
    return new Promise<LogLine>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no log line for: ${description}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  }

  count(event: string): number {
    return this.lines.filter((line) => line.event === event).length;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
    }
    await this.exited;
  }

  private onLine(text: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      return;
    }
    this.lines.push(line);
    const ready = this.waiters.filter((waiter) => waiter.match(line));
    this.waiters = this.waiters.filter((waiter) => !waiter.match(line));
    ready.forEach((waiter) => waiter.resolve(line));
  }
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}
