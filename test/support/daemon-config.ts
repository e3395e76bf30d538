import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { freePort } from './daemon-process';

/** Thresholds of the cpu rule in a fast config; clear levels sit 5 points lower. */
export interface FastCpuRule {
  warningAbove: number;
  /** 90 when absent. */
  criticalAbove?: number;
  /** `false` switches the cpu rule off, as an operator removing it would. */
  enabled?: boolean;
}

export interface FastConfigOptions {
  netdataUrl: string;
  /** `netdata.timeout`, e.g. `1s`; the default config's when absent. */
  timeout?: string;
  /** `netdata.unreachable_after`; the default config's when absent. */
  unreachableAfter?: number;
  /** The cpu rule's thresholds; the default config's (80 / 90) when absent. */
  cpu?: FastCpuRule;
  /** Raw YAML appended under `rules:` (two-space indented), e.g. an extra rule. */
  extraRules?: string;
}

/**
 * A config for daemons that must act within seconds: one poll a second, the cpu rule with no
 * averaging delay (`window: 1s`, `for: 0s`, `clear_for: 0s`) and the other default rules off.
 */
export function fastConfigYaml(options: FastConfigOptions): string {
  const netdata = [
    `  url: ${options.netdataUrl}`,
    ...(options.timeout === undefined ? [] : [`  timeout: ${options.timeout}`]),
    ...(options.unreachableAfter === undefined
      ? []
      : [`  unreachable_after: ${options.unreachableAfter}`]),
  ];
  return `netdata:
${netdata.join('\n')}
poll:
  every: 1s
rules:
  cpu:
    window: 1s
${cpuLevels(options.cpu)}    for: 0s
    clear_for: 0s
${options.cpu === undefined ? '' : `    enabled: ${options.cpu.enabled ?? true}\n`}  swap:
    enabled: false
  bandwidth_in:
    enabled: false
  bandwidth_out:
    enabled: false
${options.extraRules ?? ''}`;
}

function cpuLevels(cpu: FastCpuRule | undefined): string {
  if (cpu === undefined) {
    return '';
  }

  const critical = cpu.criticalAbove ?? 90;
  return (
    `    warning: { above: ${cpu.warningAbove}, clear_below: ${cpu.warningAbove - 5} }\n` +
    `    critical: { above: ${critical}, clear_below: ${critical - 5} }\n`
  );
}

/** A temp folder with one daemon's config and state files, and the HTTP port it is to use. */
export interface DaemonFolder {
  folder: string;
  configFile: string;
  statePath: string;
  port: number;
  /** BRIDGE_HTTP_HOST (127.0.0.1), BRIDGE_HTTP_PORT and BRIDGE_STATE_PATH for the above. */
  env: NodeJS.ProcessEnv;
  /** Deletes the folder and everything in it. */
  remove(): void;
}

/**
 * Makes a temp folder named from `prefix`, writes `configYaml` (when given) to its config.yaml,
 * and picks a free port. Limit: the port is free when picked, not reserved; another process
 * may take it before the daemon binds it.
 */
export async function makeDaemonFolder(prefix: string, configYaml?: string): Promise<DaemonFolder> {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  const configFile = path.join(folder, 'config.yaml');
  if (configYaml !== undefined) {
    writeFileSync(configFile, configYaml);
  }
  const statePath = path.join(folder, 'state.sqlite');
  const port = await freePort();

  return {
    folder,
    configFile,
    statePath,
    port,
    env: {
      BRIDGE_HTTP_HOST: '127.0.0.1',
      BRIDGE_HTTP_PORT: String(port),
      BRIDGE_STATE_PATH: statePath,
    },
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
