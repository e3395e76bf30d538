import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A chart the stand-in serves, with the value of each dimension it answers right now. */
export interface FakeChart {
  id: string;
  units: string;
  values: Record<string, number | null>;
}

/**
 * A Netdata 1.37 agent stand-in over real HTTP: `/api/v1/info`, `/api/v1/charts` and
 * `/api/v1/data` in the shapes the real agent answers (see test/fixtures/netdata-v1.37.1), with
 * values a test sets. It can go down (connection refused) and come back on the same port, and
 * it counts the requests it was sent.
 */
export class FakeNetdata {
  readonly charts = new Map<string, FakeChart>();
  readonly requests: string[] = [];
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(readonly hostname = 'test-node') {
    this.setChart({
      id: 'system.cpu',
      units: 'percentage',
      values: {
        guest_nice: 0,
        guest: 0,
        steal: 0,
        softirq: 0,
        irq: 0,
        user: 1,
        system: 1,
        nice: 0,
        iowait: 0,
      },
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  setChart(chart: FakeChart): void {
    this.charts.set(chart.id, chart);
  }

  /** Sets system.cpu so that user+system+softirq+irq+guest adds up to `percent`. */
  setCpu(percent: number): void {
    const chart = this.charts.get('system.cpu');
    if (chart) {
      chart.values = { ...chart.values, user: percent, system: 0, softirq: 0, irq: 0, guest: 0 };
    }
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => this.answer(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.listen(this.port, '127.0.0.1');
    await once(server, 'listening');
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: the daemon's next requests are refused, as when the agent is down. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) {
      return;
    }
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://fake');
    this.requests.push(url.pathname + url.search);
    if (url.pathname === '/api/v1/info') {
      return this.json(response, this.info());
    }
    if (url.pathname === '/api/v1/charts') {
      return this.json(response, this.chartList());
    }
    if (url.pathname === '/api/v1/data') {
      const chart = this.charts.get(url.searchParams.get('chart') ?? '');
      if (!chart) {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('No metrics where matched to query.');
        return;
      }
      return this.json(response, this.data(chart));
    }
    response.writeHead(404);
    response.end('not found');
  }

  private json(response: http.ServerResponse, body: unknown): void {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private info(): unknown {
    return {
      version: 'v1.37.1',
      mirrored_hosts: [this.hostname],
      mirrored_hosts_status: [{ hostname: this.hostname, reachable: true, hops: 0 }],
    };
  }

  private chartList(): unknown {
    const charts: Record<string, unknown> = {};
    for (const chart of this.charts.values()) {
      charts[chart.id] = {
        id: chart.id,
        name: chart.id,
        units: chart.units,
        dimensions: Object.fromEntries(Object.keys(chart.values).map((name) => [name, { name }])),
      };
    }
    return { hostname: this.hostname, version: 'v1.37.1', charts };
  }

  private data(chart: FakeChart): unknown {
    const names = Object.keys(chart.values);
    const now = Math.floor(Date.now() / 1000);
    return {
      api: 1,
      id: chart.id,
      name: chart.id,
      dimension_names: names,
      dimension_ids: names,
      result: {
        labels: ['time', ...names],
        data: [[now, ...names.map((name) => chart.values[name])]],
      },
    };
  }
}

export async function startFakeNetdata(hostname?: string): Promise<FakeNetdata> {
  const fake = new FakeNetdata(hostname);
  await fake.start();
  return fake;
}
