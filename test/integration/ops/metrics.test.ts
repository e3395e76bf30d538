import { cpuTransitionTo, OpsRun } from './harness';
import { parsePrometheusText, sampleValue, type Exposition } from './prometheus-text';

const PREFIX = 'netdata_slack_bridge_';

async function scrape(run: OpsRun): Promise<{ contentType: string; exposition: Exposition }> {
  const response = await run.fetch('/metrics');
  expect(response.status).toBe(200);
  return {
    contentType: response.headers.get('content-type') ?? '',
    exposition: parsePrometheusText(await response.text()),
  };
}

describe('the Prometheus text reader used below', () => {
  it('reads help, type, labels and special values', () => {
    const exposition = parsePrometheusText(
      [
        '# HELP up_total Things that went up',
        '# TYPE up_total counter',
        'up_total{kind="a",note="say \\"hi\\""} 3',
        '# TYPE took_seconds histogram',
        'took_seconds_bucket{le="+Inf"} 2',
        'took_seconds_sum 0.5',
        'took_seconds_count 2',
        '# TYPE level gauge',
        'level NaN',
        '',
      ].join('\n'),
    );

    expect(sampleValue(exposition, 'up_total', { kind: 'a' })).toBe(3);
    expect(exposition.samples[0]?.labels.note).toBe('say \\"hi\\"');
    expect(sampleValue(exposition, 'took_seconds_count')).toBe(2);
    expect(sampleValue(exposition, 'level')).toBeNaN();
    expect(exposition.help.get('up_total')).toBe('Things that went up');
  });

  it.each([
    ['a sample without # TYPE', 'lonely 1'],
    ['a value that is not a number', '# TYPE x gauge\nx one'],
    ['unquoted label values', '# TYPE x gauge\nx{a=b} 1'],
    ['a stray comment', '# TYPE x gauge\n# hello\nx 1'],
    ['a family declared twice', '# TYPE x gauge\n# TYPE x gauge'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow(/line \d+/);
  });
});

describe('/metrics of the running daemon', () => {
  let run: OpsRun;

  beforeAll(async () => {
    run = await OpsRun.start({ warningAbove: 60 }, { cpuPercent: 70 });
    await run.daemon.waitFor(cpuTransitionTo('warning'), 'cpu enters warning');
    await run.cycles(1);
  }, 30_000);

  afterAll(async () => {
    await run?.stop();
  });

  it('serves the Prometheus text format with help and type for every family', async () => {
    const { contentType, exposition } = await scrape(run);

    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of exposition.types.keys()) {
      expect(exposition.help.has(family)).toBe(true);
    }
    expect(exposition.types.get(`${PREFIX}cycles_total`)).toBe('counter');
    expect(exposition.types.get(`${PREFIX}cycle_duration_seconds`)).toBe('histogram');
  });

  it('counts cycles and Netdata requests between two scrapes', async () => {
    const before = (await scrape(run)).exposition;
    await run.cycles(2);
    const after = (await scrape(run)).exposition;

    const cycles = (exposition: Exposition): number =>
      sampleValue(exposition, `${PREFIX}cycles_total`);
    const okRequests = (exposition: Exposition): number =>
      sampleValue(exposition, `${PREFIX}netdata_requests_total`, { outcome: 'ok' });
    expect(cycles(after)).toBeGreaterThanOrEqual(cycles(before) + 2);
    expect(okRequests(after)).toBeGreaterThanOrEqual(okRequests(before) + 2);
    expect(sampleValue(after, `${PREFIX}netdata_requests_total`, { outcome: 'timeout' })).toBe(0);
  });

  it('shows the raised alert in the alerts gauge by rule and state', async () => {
    const { exposition } = await scrape(run);

    expect(sampleValue(exposition, `${PREFIX}alerts`, { rule: 'cpu', state: 'warning' })).toBe(1);
    expect(sampleValue(exposition, `${PREFIX}alerts`, { rule: 'cpu', state: 'critical' })).toBe(0);
  });

  it('drops the alert from the warning count once it clears', async () => {
    run.netdata.setCpu(20);
    await run.daemon.waitFor(cpuTransitionTo('clear'), 'cpu clears');
    await run.cycles(1);

    const { exposition } = await scrape(run);
    expect(sampleValue(exposition, `${PREFIX}alerts`, { rule: 'cpu', state: 'warning' })).toBe(0);
    expect(sampleValue(exposition, `${PREFIX}alerts`, { rule: 'cpu', state: 'clear' })).toBe(1);
  });

  it('includes the process default metrics', async () => {
    const { exposition } = await scrape(run);

    expect(sampleValue(exposition, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(exposition, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(exposition.types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
  });
});
