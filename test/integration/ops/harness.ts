import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

import {
  fastConfigYaml,
  makeDaemonFolder,
  type DaemonFolder,
  type FastCpuRule,
} from '../../support/daemon-config';
import { CLI, DaemonProcess, type LogLine } from '../../support/daemon-process';
import { startFakeNetdata, type FakeNetdata } from '../../support/fake-netdata';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `dist/cli.js` with `args` and only PATH and `env` in its environment, until it exits. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Thresholds of the cpu rule in a test config, and what else the file holds. */
export interface CpuThresholds extends FastCpuRule {
  /** Raw YAML appended under `rules:` (two-space indented), e.g. an extra rule. */
  extraRules?: string;
  /** Replaces the whole file, e.g. with something invalid. */
  raw?: string;
}

/** A fast config (see fastConfigYaml) with these cpu thresholds, or `raw` as it is. */
function configYaml(netdataUrl: string, cpu: CpuThresholds): string {
  if (cpu.raw !== undefined) {
    return cpu.raw;
  }

  return fastConfigYaml({
    netdataUrl,
    cpu,
    ...(cpu.extraRules !== undefined ? { extraRules: cpu.extraRules } : {}),
  });
}

/** One daemon child process against one fake agent, with its files in a temp folder. */
export class OpsRun {
  private constructor(
    private readonly files: DaemonFolder,
    readonly netdata: FakeNetdata,
    readonly daemon: DaemonProcess,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /**
   * Starts the fake agent at `cpuPercent` and the daemon in console mode (or against Slack
   * when `env` carries a bot token), and waits for `daemon.started`.
   */
  static async start(
    cpu: CpuThresholds,
    options: { cpuPercent?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<OpsRun> {
    const netdata = await startFakeNetdata();
    netdata.setCpu(options.cpuPercent ?? 10);
    const files = await makeDaemonFolder('bridge-ops-', configYaml(netdata.url, cpu));
    const env: NodeJS.ProcessEnv = { ...files.env, LOG_LEVEL: 'debug', ...options.env };

    const daemon = await DaemonProcess.startUntilStarted(
      ['run', '--config', files.configFile],
      env,
    );
    return new OpsRun(files, netdata, daemon, env);
  }

  get configFile(): string {
    return this.files.configFile;
  }

  get statePath(): string {
    return this.files.statePath;
  }

  /** Rewrites the config file in place, as an operator editing it would. */
  writeConfig(cpu: CpuThresholds): void {
    writeFileSync(this.configFile, configYaml(this.netdata.url, cpu));
  }

  /** Sends SIGHUP and resolves with the daemon's answer: `config.reloaded` or refused. */
  async reload(): Promise<LogLine> {
    const from = this.daemon.lines.length;
    this.daemon.child.kill('SIGHUP');
    return this.daemon.waitFor(isReloadOutcome, 'the reload was applied or refused', {
      fromLine: from,
    });
  }

  /** Resolves once `count` more cycles have completed. */
  async cycles(count: number): Promise<void> {
    await this.daemon.waitForMore((line) => line.event === 'cycle.completed', count, 'cycles');
  }

  /** A request to the daemon's HTTP listener. */
  fetch(route: string): Promise<Response> {
    return fetch(`http://127.0.0.1:${this.files.port}${route}`);
  }

  /** Runs `dist/cli.js` with this run's environment; resolves when it exits. */
  cli(args: string[]): CliResult {
    return runCli(args, this.env);
  }

  async stop(): Promise<void> {
    await this.daemon.stop();
    await this.netdata.stop();
    this.files.remove();
  }
}

const isReloadOutcome = (line: LogLine): boolean =>
  line.event === 'config.reloaded' || line.event === 'config.reload_refused';

/** Matches `alert.transition` lines of the cpu rule into `to`. */
export const cpuTransitionTo =
  (to: string) =>
  (line: LogLine): boolean =>
    line.event === 'alert.transition' && line.rule === 'cpu' && line.to === to;
