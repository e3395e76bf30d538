import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { makeDaemonFolder } from '../test/support/daemon-config';
import { DaemonProcess } from '../test/support/daemon-process';
import { cpuSeconds, statusMb } from './proc';

const AGENT = 'http://127.0.0.1:19999';

export interface FootprintFigures {
  seconds: number;
  /** CPU time from `daemon.started` to the end, as a share of one core. */
  cpuPercent: number;
  /** CPU time spent before `daemon.started` (loading modules, config, first cycle). */
  startupCpuMs: number;
  rssMb: number;
  peakRssMb: number;
}

async function agentAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${AGENT}/api/v1/info`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * The daemon as shipped (dist/cli.js, default config, console mode, default 10 s interval)
 * next to the local agent for `seconds`. Returns a reason instead of figures when the agent
 * does not answer, so that the rest of the benchmark still runs.
 */
export async function benchDaemonFootprint(seconds: number): Promise<FootprintFigures | string> {
  if (!(await agentAnswers())) {
    return `no Netdata agent answers at ${AGENT}; start it with: netdata -D -i 127.0.0.1 -p 19999`;
  }

  const files = await makeDaemonFolder('bridge-bench-footprint-');
  const daemon = DaemonProcess.start(['run'], { ...files.env, NETDATA_URL: AGENT });

  try {
    await daemon.waitFor((line) => line.event === 'daemon.started', 'daemon.started', {
      timeoutMs: 30_000,
    });
    const startCpu = cpuSeconds(daemon.pid);
    const started = performance.now();

    await sleep(seconds * 1000);

    const usedCpu = cpuSeconds(daemon.pid) - startCpu;
    const elapsed = (performance.now() - started) / 1000;
    return {
      seconds: elapsed,
      cpuPercent: (usedCpu / elapsed) * 100,
      startupCpuMs: startCpu * 1000,
      rssMb: statusMb(daemon.pid, 'VmRSS'),
      peakRssMb: statusMb(daemon.pid, 'VmHWM'),
    };
  } finally {
    await daemon.stop();
    files.remove();
  }
}
