import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** A log line as the daemon writes it in JSON format. */
export type LogLine = Record<string, unknown> & { event?: string; level?: string; key?: string };

/**
 * The repository root: the first folder above this file with a package.json. This file runs
 * from test/support under ts-jest and from dist-bench/test/support once the benchmarks are
 * compiled, so a fixed relative path would be right for only one of them.
 */
function findRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
  }
  throw new Error(`no package.json above ${from}`);
}

/** The built command-line entry point; `npm run build` first. */
export const CLI = path.join(findRoot(__dirname), 'dist/cli.js');

/**
 * The real daemon (`dist/cli.js`, so `npm run build` first) as a child process, with its JSON
 * log lines parsed as they arrive. Tests wait for lines, never for a length of time.
 */
export class DaemonProcess {
  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  private waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  private readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => this.onLine(text));
    createInterface({ input: child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = once(child, 'exit').then(([code]) => code as number | null);
  }

  static start(args: string[], env: NodeJS.ProcessEnv): DaemonProcess {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, LOG_FORMAT: 'json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DaemonProcess(child);
  }

  /**
   * Starts the daemon and resolves once it logs `daemon.started` (its first cycle has run). A
   * daemon that refuses to start exits: that rejects at once, with what it wrote.
   */
  static async startUntilStarted(
    args: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs = 60_000,
  ): Promise<DaemonProcess> {
    const daemon = DaemonProcess.start(args, env);
    const started = daemon.waitFor(
      (line) => line.event === 'daemon.started',
      'the daemon started',
      {
        timeoutMs,
      },
    );
    const exited = daemon.exitCode().then((code) => {
      throw new Error(`the daemon exited with code ${String(code)}:\n${daemon.tail()}`);
    });

    await Promise.race([started, exited]);
    exited.catch(() => undefined);
    return daemon;
  }

  get pid(): number {
    if (this.child.pid === undefined) {
      throw new Error('the daemon did not start');
    }
    return this.child.pid;
  }

  /** Resolves with the first line, already seen or still to come, that matches. */
  waitFor(
    match: (line: LogLine) => boolean,
    description: string,
    options: { fromLine?: number; timeoutMs?: number } = {},
  ): Promise<LogLine> {
    const timeoutMs = options.timeoutMs ?? 60_000;
    const seen = this.lines.slice(options.fromLine ?? 0).find(match);
    if (seen) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter.resolve !== done);
        reject(new Error(`no log line for: ${description}\nlast lines:\n${this.tail()}`));
      }, timeoutMs);
      const done = (line: LogLine): void => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Resolves once `count` more lines matching `match` have arrived after this call. */
  async waitForMore(
    match: (line: LogLine) => boolean,
    count: number,
    description: string,
  ): Promise<void> {
    const start = this.lines.filter(match).length;
    for (let seen = 0; seen < count; seen += 1) {
      const target = start + seen + 1;
      await this.waitFor(() => this.lines.filter(match).length >= target, description);
    }
  }

  events(event: string): LogLine[] {
    return this.lines.filter((line) => line.event === event);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal);
    }
    return this.exited;
  }

  exitCode(): Promise<number | null> {
    return this.exited;
  }

  tail(count = 15): string {
    return [
      ...this.lines.slice(-count).map((line) => JSON.stringify(line)),
      ...this.stderr.slice(-5),
    ].join('\n');
  }

  private onLine(text: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      this.stderr.push(text);
      return;
    }
    this.lines.push(line);
    const ready = this.waiters.filter((waiter) => waiter.match(line));
    this.waiters = this.waiters.filter((waiter) => !waiter.match(line));
    for (const waiter of ready) {
      waiter.resolve(line);
    }
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
