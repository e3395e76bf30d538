import { request as httpRequest } from 'node:http';
import { createSilentLogger } from '../../../src/logging/logger';
import { HttpServer } from '../../../src/http/server';
import { BridgeMetrics, countAlerts, registerMetricsRoute } from '../../../src/metrics/metrics';

/** One sample of the Prometheus text format: `name{a="x",b="y"} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A small parser for the text exposition format; throws on any line it does not understand. */
function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }

    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) {
      throw new Error(`not a Prometheus sample line: ${line}`);
    }

    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] ?? ''] = pair[2] ?? '';
    }
    samples.push({ name: match[1] ?? '', labels, value: Number(match[3]) });
  }
  return samples;
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}) {
  const found = samples.find(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
  return found?.value;
}

async function scrape(metrics: BridgeMetrics): Promise<Sample[]> {
  return parsePrometheusText(await metrics.registry.metrics());
}

const P = 'netdata_slack_bridge_';

describe('BridgeMetrics', () => {
  it('counts cycles and records their duration in the histogram', async () => {
    const metrics = new BridgeMetrics();

    metrics.observeCycle(0.2);
    metrics.observeCycle(3);

    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}cycles_total`)).toBe(2);
    expect(valueOf(samples, `${P}cycle_duration_seconds_count`)).toBe(2);
    expect(valueOf(samples, `${P}cycle_duration_seconds_sum`)).toBeCloseTo(3.2);
    expect(valueOf(samples, `${P}cycle_duration_seconds_bucket`, { le: '0.25' })).toBe(1);
  });

  it('counts Netdata requests by outcome, with every outcome present from the start', async () => {
    const metrics = new BridgeMetrics();

    const before = await scrape(metrics);
    metrics.countNetdataRequest('ok', 0.01);
    metrics.countNetdataRequest('ok', 0.02);
    metrics.countNetdataRequest('timeout', 5);

    const after = await scrape(metrics);
    expect(valueOf(before, `${P}netdata_requests_total`, { outcome: 'chart_not_found' })).toBe(0);
    expect(valueOf(after, `${P}netdata_requests_total`, { outcome: 'ok' })).toBe(2);
    expect(valueOf(after, `${P}netdata_requests_total`, { outcome: 'timeout' })).toBe(1);
    expect(valueOf(after, `${P}netdata_request_duration_seconds_count`)).toBe(3);
  });

  it('replaces the alert gauge with each snapshot, filling missing states with 0', async () => {
    const metrics = new BridgeMetrics();

    metrics.setAlertCounts([
      { rule: 'cpu', state: 'warning', count: 2 },
      { rule: 'swap', state: 'clear', count: 1 },
    ]);
    metrics.setAlertCounts([{ rule: 'cpu', state: 'critical', count: 1 }]);

    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}alerts`, { rule: 'cpu', state: 'critical' })).toBe(1);
    expect(valueOf(samples, `${P}alerts`, { rule: 'cpu', state: 'warning' })).toBe(0);
    expect(valueOf(samples, `${P}alerts`, { rule: 'swap', state: 'clear' })).toBeUndefined();
  });

  it('counts notifications and reloads by outcome and reports the outbox', async () => {
    const metrics = new BridgeMetrics();

    metrics.countNotification('delivered');
    metrics.countNotification('retry');
    metrics.countNotification('retry');
    metrics.countReload('refused');
    metrics.setOutbox(4, 90);

    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}notifications_total`, { outcome: 'retry' })).toBe(2);
    expect(valueOf(samples, `${P}notifications_total`, { outcome: 'failed' })).toBe(0);
    expect(valueOf(samples, `${P}config_reloads_total`, { outcome: 'refused' })).toBe(1);
    expect(valueOf(samples, `${P}config_reloads_total`, { outcome: 'ok' })).toBe(0);
    expect(valueOf(samples, `${P}outbox_depth`)).toBe(4);
    expect(valueOf(samples, `${P}outbox_oldest_age_seconds`)).toBe(90);
  });

  it('reports an oldest age of 0 when the outbox is empty', async () => {
    const metrics = new BridgeMetrics();

    metrics.setOutbox(3, 12);
    metrics.setOutbox(0, undefined);

    const samples = await scrape(metrics);
    expect(valueOf(samples, `${P}outbox_oldest_age_seconds`)).toBe(0);
  });

  it('keeps two instances apart', async () => {
    const first = new BridgeMetrics();
    const second = new BridgeMetrics();

    first.observeCycle(1);

    expect(valueOf(await scrape(second), `${P}cycles_total`)).toBe(0);
  });

  it('includes the default process metrics', async () => {
    const samples = await scrape(new BridgeMetrics());

    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThanOrEqual(0);
  });
});

describe('countAlerts', () => {
  it('counts alerts by rule and severity', () => {
    const alert = (rule: string, severity: 'clear' | 'warning' | 'critical') => ({
      identity: { rule },
      state: { severity },
    });

    const counts = countAlerts([
      alert('cpu', 'warning'),
      alert('cpu', 'warning'),
      alert('cpu', 'clear'),
      alert('bandwidth_in', 'critical'),
    ]);

    expect(counts).toEqual(
      expect.arrayContaining([
        { rule: 'cpu', state: 'warning', count: 2 },
        { rule: 'cpu', state: 'clear', count: 1 },
        { rule: 'bandwidth_in', state: 'critical', count: 1 },
      ]),
    );
    expect(counts).toHaveLength(3);
  });
});

describe('GET /metrics', () => {
  it('serves the registry in the Prometheus text format and moves after observations', async () => {
    const metrics = new BridgeMetrics();
    const server = new HttpServer({ host: '127.0.0.1', port: 0, logger: createSilentLogger() });
    registerMetricsRoute(server, metrics);
    const { port } = await server.start();

    try {
      const first = await fetchMetrics(port);
      metrics.observeCycle(0.5);
      metrics.countNetdataRequest('connection_refused', 0.001);
      const second = await fetchMetrics(port);

      expect(first.type).toBe(metrics.registry.contentType);
      const before = parsePrometheusText(first.body);
      const after = parsePrometheusText(second.body);
      expect(valueOf(before, `${P}cycles_total`)).toBe(0);
      expect(valueOf(after, `${P}cycles_total`)).toBe(1);
      expect(valueOf(after, `${P}netdata_requests_total`, { outcome: 'connection_refused' })).toBe(
        1,
      );
    } finally {
      await server.stop();
    }
  });
});

function fetchMetrics(port: number): Promise<{ type: string; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          type: response.headers['content-type'] ?? '',
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}
