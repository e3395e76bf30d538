import { OpsRun } from './harness';

interface ReadinessBody {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail: string; skipped?: boolean }>;
}

async function readiness(run: OpsRun): Promise<{ status: number; body: ReadinessBody }> {
  const response = await run.fetch('/readyz');
  return { status: response.status, body: (await response.json()) as ReadinessBody };
}

describe('health routes of the running daemon', () => {
  let run: OpsRun;

  beforeAll(async () => {
    run = await OpsRun.start({ warningAbove: 80 });
    await run.cycles(1);
  }, 30_000);

  afterAll(async () => {
    await run?.stop();
  });

  it('answers /healthz with 200', async () => {
    const response = await run.fetch('/healthz');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('is ready with Netdata up, Slack skipped in console mode and the store writable', async () => {
    const { status, body } = await readiness(run);

    expect(status).toBe(200);
    expect(body.ready).toBe(true);
    expect(body.checks.netdata).toMatchObject({ ok: true });
    expect(body.checks.slack).toMatchObject({ ok: true, skipped: true });
    expect(body.checks.slack?.detail).toContain('console mode');
    expect(body.checks.store).toMatchObject({ ok: true });
  });

  it('turns unready naming Netdata while the agent is down, and ready again when it returns', async () => {
    await run.netdata.stop();
    await run.daemon.waitFor(
      (line) => line.event === 'cycle.completed' && Number(line.failedRequests) > 0,
      'a cycle that could not reach the agent',
      { fromLine: run.daemon.lines.length },
    );

    const down = await readiness(run);
    expect(down.status).toBe(503);
    expect(down.body.ready).toBe(false);
    expect(down.body.checks.netdata?.ok).toBe(false);
    expect(down.body.checks.netdata?.detail).toContain('test-node');
    expect(down.body.checks.netdata?.detail).toContain('netdata.url');
    expect(down.body.checks.store?.ok).toBe(true);
    expect((await run.fetch('/healthz')).status).toBe(200);

    await run.netdata.start();
    await run.daemon.waitFor(
      (line) => line.event === 'cycle.completed' && line.failedRequests === 0,
      'a cycle that reached the agent again',
      { fromLine: run.daemon.lines.length },
    );

    const back = await readiness(run);
    expect(back.status).toBe(200);
    expect(back.body.checks.netdata?.ok).toBe(true);
  }, 30_000);
});
