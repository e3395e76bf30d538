import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DaemonProcess, freePort, type LogLine } from '../../support/daemon-process';
import { startFakeNetdata, type FakeNetdata } from '../../support/fake-netdata';

/** The built command-line entry point; `npm run build` first. */
export const CLI = path.resolve(__dirname, '../../../dist/cli.js');

/** Thresholds of the cpu rule in a test config; clear levels sit 5 points lower. */
export interface CpuThresholds {
  warningAbove: number;
  criticalAbove?: number;
  /** `false` switches the cpu rule off, as an operator removing it would. */
  enabled?: boolean;
  /** Raw YAML appended under `rules:` (two-space indented), e.g. an extra rule. */
  extraRules?: string;
  /** Replaces the whole file, e.g. with something invalid. */
  raw?: string;
}

/**
 * A config for daemon-level tests: the fake agent, a cycle every second, the cpu rule with no
 * averaging delay (`window: 1s`, `for: 0s`, `clear_for: 0s`) and the other default rules off.
 */
export function configYaml(netdataUrl: string, cpu: CpuThresholds): string {
  if (cpu.raw !== undefined) {
    return cpu.raw;
  }

  const critical = cpu.criticalAbove ?? 90;
  return `netdata:
  url: ${netdataUrl}
poll:
  every: 1s
rules:
  cpu:
    window: 1s
    warning: { above: ${cpu.warningAbove}, clear_below: ${cpu.warningAbove - 5} }
    critical: { above: ${critical}, clear_below: ${critical - 5} }
    for: 0s
    clear_for: 0s
    enabled: ${cpu.enabled ?? true}
  swap:
    enabled: false
  bandwidth_in:
    enabled: false
  bandwidth_out:
    enabled: false
${cpu.extraRules ?? ''}`;
}

/** One daemon child process against one fake agent, with its files in a temp folder. */
export class OpsRun {
  private constructor(
    readonly folder: string,
    readonly netdata: FakeNetdata,
    readonly daemon: DaemonProcess,
    readonly env: NodeJS.ProcessEnv,
    readonly port: number,
  ) {}

  /**
   * Starts the fake agent at `cpuPercent` and the daemon in console mode (or against Slack
   * when `env` carries a bot token), and waits for `daemon.started`.
   */
  static async start(
    cpu: CpuThresholds,
    options: { cpuPercent?: number; env?: NodeJS.ProcessEnv } = {},
  ): Promise<OpsRun> {
    const folder = mkdtempSync(path.join(tmpdir(), 'bridge-ops-'));
    const netdata = await startFakeNetdata();
    netdata.setCpu(options.cpuPercent ?? 10);
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      BRIDGE_HTTP_PORT: String(port),
      BRIDGE_HTTP_HOST: '127.0.0.1',
      BRIDGE_STATE_PATH: path.join(folder, 'state.sqlite'),
      LOG_LEVEL: 'debug',
      ...options.env,
    };
    const configFile = path.join(folder, 'config.yaml');
    writeFileSync(configFile, configYaml(netdata.url, cpu));

    const daemon = DaemonProcess.start(['run', '--config', configFile], env);
    const run = new OpsRun(folder, netdata, daemon, env, port);
    await daemon.waitFor((line) => line.event === 'daemon.started', 'the daemon started');
    return run;
  }

  get configFile(): string {
    return path.join(this.folder, 'config.yaml');
  }

  get statePath(): string {
    return path.join(this.folder, 'state.sqlite');
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
    return fetch(`http://127.0.0.1:${this.port}${route}`);
  }

  /** Runs `dist/cli.js` with this run's environment; resolves when it exits. */
  cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH, ...this.env },
      encoding: 'utf8',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  async stop(): Promise<void> {
    await this.daemon.stop();
    await this.netdata.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }
}

const isReloadOutcome = (line: LogLine): boolean =>
  line.event === 'config.reloaded' || line.event === 'config.reload_refused';

/** Matches `alert.transition` lines of the cpu rule into `to`. */
export const cpuTransitionTo =
  (to: string) =>
  (line: LogLine): boolean =>
    line.event === 'alert.transition' && line.rule === 'cpu' && line.to === to;
