import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { DaemonProcess, freePort, type LogLine } from '../support/daemon-process';

/**
 * Against the real Netdata agent on 127.0.0.1:19999 (`.ci/run` starts it): the test loads the
 * machine's CPU itself and reads the daemon's console-mode log.
 *
 * Thresholds sit where half the cores busy (about 50 %) and all of them (about 100 %) land in
 * different places: half is warning; all is critical; back to half stays inside critical's
 * hysteresis band; idle clears.
 */
const CONFIG = `
netdata:
  url: ${process.env.NETDATA_URL ?? 'http://127.0.0.1:19999'}
poll:
  every: 1s
rules:
  cpu:
    window: 2s
    warning: { above: 30, clear_below: 20 }
    critical: { above: 75, clear_below: 35 }
    for: 0s
    clear_for: 0s
  swap:
    enabled: false
  bandwidth_in:
    enabled: false
  bandwidth_out:
    enabled: false
`;

const cores = cpus().length;
const burners: ChildProcess[] = [];

function burn(count: number): void {
  for (let i = 0; i < count; i += 1) {
    burners.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  }
}

function rest(count: number): void {
  for (const burner of burners.splice(0, count)) {
    burner.kill('SIGKILL');
  }
}

const isCpuTransition = (to: string) => (line: LogLine) =>
  line.event === 'alert.transition' && line.rule === 'cpu' && line.to === to;

describe('console mode against a real Netdata agent', () => {
  let folder: string;
  let daemon: DaemonProcess;

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'bridge-e2e-'));
    const configFile = path.join(folder, 'config.yaml');
    writeFileSync(configFile, CONFIG);
    daemon = DaemonProcess.start(['run', '--config', configFile], {
      BRIDGE_STATE_PATH: path.join(folder, 'state.sqlite'),
      BRIDGE_HTTP_PORT: String(await freePort()),
      BRIDGE_HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'debug',
    });
    await daemon.waitFor((line) => line.event === 'daemon.started', 'the daemon started');
  });

  afterAll(async () => {
    rest(burners.length);
    await daemon?.stop();
    rmSync(folder, { recursive: true, force: true });
  });

  const lastCpuState = (): unknown =>
    daemon
      .events('alert.transition')
      .filter((line) => line.rule === 'cpu')
      .pop()?.to ?? 'clear';

  it('logs warning, then critical, holds inside the band, and clears when the load ends', async () => {
    // Start from a calm machine: the alert is clear (or never raised) for a full cycle.
    await daemon.waitFor(
      (line) =>
        line.event === 'cycle.completed' && line.requests === 1 && lastCpuState() === 'clear',
      'a cycle that fetched system.cpu while the CPU alert was clear',
    );
    const calmFrom = daemon.lines.length;
    const transitionsSinceCalm = (): LogLine[] =>
      daemon.lines.slice(calmFrom).filter((line) => line.event === 'alert.transition');

    burn(Math.max(1, Math.floor(cores / 2)));
    const warning = await daemon.waitFor(isCpuTransition('warning'), 'cpu enters warning', {
      fromLine: calmFrom,
    });
    expect(warning).toMatchObject({
      from: 'clear',
      rule: 'cpu',
      instance: 'system.cpu',
      threshold: 30,
    });
    expect(warning.key).toBe(`${String(warning.node)}/cpu/system.cpu`);

    burn(cores - burners.length);
    const critical = await daemon.waitFor(isCpuTransition('critical'), 'cpu enters critical', {
      fromLine: calmFrom,
    });
    expect(critical).toMatchObject({ from: 'warning', threshold: 75 });
    expect(Number(critical.value)).toBeGreaterThan(75);

    rest(cores - Math.max(1, Math.floor(cores / 2)));
    const transitionsBefore = daemon.events('alert.transition').length;
    await daemon.waitForMore(
      (line) => line.event === 'cycle.completed',
      5,
      'five cycles at half load',
    );
    expect(daemon.events('alert.transition')).toHaveLength(transitionsBefore);

    rest(burners.length);
    const clear = await daemon.waitFor(isCpuTransition('clear'), 'cpu clears', {
      fromLine: calmFrom,
    });
    expect(clear).toMatchObject({ from: 'critical', threshold: 35 });
    expect(transitionsSinceCalm().map((line) => line.to)).toEqual(['warning', 'critical', 'clear']);
    expect(daemon.events('notification.console').map((line) => line.status)).toEqual(
      expect.arrayContaining(['warning', 'critical', 'resolved']),
    );
  }, 120_000);
});
