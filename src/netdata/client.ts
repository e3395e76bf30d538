import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from '../logging/logger';
import { NetdataError, safeUrl, type NetdataErrorKind } from './errors';
import { MalformedResponseError, parseChartData, parseCharts, parseInfo, parseJson } from './parse';
import type { AgentInfo, ChartRequest, ChartSample, ChartSummary, NodeTarget } from './types';

export interface NetdataClientOptions {
  /** `netdata.url`: an agent or a parent, optionally behind a path prefix. */
  baseUrl: string;
  /** Deadline for one whole request, connect to last byte. */
  timeoutMs: number;
  logger: Logger;
  /** Reused instead of the client's own keep-alive agents; the caller then owns and closes them. */
  httpAgent?: http.Agent;
  httpsAgent?: https.Agent;
}

/** Who a request was for, carried into log lines and error messages. */
interface RequestContext {
  node: string | undefined;
  chart: string | undefined;
}

/** Body of a 404 from `/api/v1/data` when the chart does not exist (1.37 spelling, sic). */
const NO_SUCH_CHART = 'No metrics where matched to query.';

/** Body of a 404 from `/host/<name>/...` for a node the parent does not hold. */
const NO_SUCH_NODE = 'This netdata does not maintain a database for host';

/**
 * Reads a Netdata agent (or parent) over its v1 REST API. Every public method either resolves
 * with checked data or rejects with a `NetdataError`. Each request is logged at debug level only
 * (`netdata.request`); warning about failures is the caller's job, since it knows which repeat.
 */
export class NetdataClient {
  private readonly baseUrl: string;
  /** `baseUrl` as messages show it: any credentials of a proxy in front of the agent removed. */
  private readonly shownBaseUrl: string;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly http: AxiosInstance;
  private readonly ownedAgents: (http.Agent | https.Agent)[] = [];

  constructor(options: NetdataClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.shownBaseUrl = safeUrl(this.baseUrl).replace(/\/$/, '');
    this.timeoutMs = options.timeoutMs;
    this.logger = options.logger;

    const httpAgent = options.httpAgent ?? this.own(new http.Agent({ keepAlive: true }));
    const httpsAgent = options.httpsAgent ?? this.own(new https.Agent({ keepAlive: true }));
    this.http = axios.create({
      adapter: 'http',
      httpAgent,
      httpsAgent,
      timeout: options.timeoutMs,
      // Status and body are classified here, so that every failure becomes one NetdataError.
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: (data: unknown) => data,
    });
  }

  /** The agent's version, its own hostname and the nodes it holds (children on a parent). */
  async getInfo(): Promise<AgentInfo> {
    const url = `${this.baseUrl}/api/v1/info`;
    return this.request(url, { node: undefined, chart: undefined }, parseInfo);
  }

  /** Every chart of one node, with dimension names; used to expand globs and alternatives. */
  async listCharts(node: NodeTarget): Promise<ChartSummary[]> {
    const url = `${this.apiBase(node)}/charts`;
    return this.request(url, { node: node.name, chart: undefined }, parseCharts);
  }

  /**
   * The average of every dimension of one chart over the last `windowSeconds`, as one point.
   * No dimension filter is sent: one request per (node, chart) serves every rule on that chart.
   */
  async fetchChart(request: ChartRequest): Promise<ChartSample> {
    const options = ['jsonwrap', 'unaligned', ...(request.absolute ? ['absolute'] : [])];
    const query = new URLSearchParams({
      chart: request.chart,
      after: String(-Math.max(1, Math.round(request.windowSeconds))),
      before: '0',
      points: '1',
      group: 'average',
      format: 'json',
      options: options.join(','),
    });
    const url = `${this.apiBase(request.node)}/data?${query.toString()}`;
    const context = { node: request.node.name, chart: request.chart };

    return this.request(url, context, (body) => parseChartData(body, request.chart));
  }

  /** Closes idle keep-alive sockets of the agents this client created. */
  close(): void {
    for (const agent of this.ownedAgents) agent.destroy();
  }

  private own<T extends http.Agent | https.Agent>(agent: T): T {
    this.ownedAgents.push(agent);
    return agent;
  }

  private apiBase(node: NodeTarget): string {
    return node.local
      ? `${this.baseUrl}/api/v1`
      : `${this.baseUrl}/host/${encodeURIComponent(node.name)}/api/v1`;
  }

  private async request<T>(
    url: string,
    context: RequestContext,
    parse: (body: unknown) => T,
  ): Promise<T> {
    const started = performance.now();
    let status: number | undefined;

    try {
      // axios's `timeout` only bounds socket inactivity; the signal bounds the whole request.
      const response = await this.http.get<string>(url, {
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      const body = typeof response.data === 'string' ? response.data : String(response.data);
      const result = this.interpret(url, context, status, body, parse);
      this.logRequest(context, status, started);
      return result;
    } catch (error) {
      const failure = error instanceof NetdataError ? error : this.transportError(url, error);
      this.logRequest(context, status, started, failure);
      throw failure;
    }
  }

  private interpret<T>(
    url: string,
    context: RequestContext,
    status: number,
    body: string,
    parse: (body: unknown) => T,
  ): T {
    if (status < 200 || status > 299) {
      throw this.statusError(url, context, status, body);
    }

    try {
      return parse(parseJson(body));
    } catch (error) {
      const reason = error instanceof MalformedResponseError ? error.message : String(error);
      throw new NetdataError(
        `Netdata answered ${safeUrl(url)} with ${reason}; is netdata.url pointing at a Netdata agent (v1 API)?`,
        { kind: 'malformed', url: safeUrl(url), status, cause: error },
      );
    }
  }

  private statusError(
    url: string,
    context: RequestContext,
    status: number,
    body: string,
  ): NetdataError {
    const shown = safeUrl(url);
    const text = body.trim();

    if (status === 404 && text.startsWith(NO_SUCH_CHART)) {
      return new NetdataError(
        `Netdata has no chart "${context.chart ?? ''}" on node ${context.node ?? '?'} (${shown}); check the rule's chart setting against /api/v1/charts`,
        { kind: 'chart_not_found', url: shown, status },
      );
    }
    if (status === 404 && text.startsWith(NO_SUCH_NODE)) {
      return new NetdataError(
        `Netdata at ${this.shownBaseUrl} holds no node named "${context.node ?? ''}" (${shown}); check netdata.nodes against mirrored_hosts in /api/v1/info`,
        { kind: 'http_error', url: shown, status },
      );
    }
    return new NetdataError(
      `Netdata answered HTTP ${status} for ${shown}: ${JSON.stringify(text.slice(0, 200))}; check netdata.url and the agent's error log`,
      { kind: 'http_error', url: shown, status },
    );
  }

  private transportError(url: string, error: unknown): NetdataError {
    const shown = safeUrl(url);
    const kind = transportKind(error);
    const detail = error instanceof Error ? error.message : String(error);

    const messages: Record<NetdataErrorKind, string> = {
      connection_refused: `Netdata at ${this.shownBaseUrl} refused the connection; is the agent running and is netdata.url right?`,
      timeout: `Netdata did not answer ${shown} within ${this.timeoutMs} ms; is the agent overloaded, or is netdata.timeout too short?`,
      network: `Could not reach Netdata at ${shown} (${detail}); check netdata.url and the network between the bridge and the agent`,
      chart_not_found: detail,
      http_error: detail,
      malformed: detail,
    };
    return new NetdataError(messages[kind], { kind, url: shown, cause: error });
  }

  /**
   * Debug only: the poll cycle decides what a failure means (a down node, a missing chart) and
   * warns once per change, so a warning here would repeat every cycle.
   */
  private logRequest(
    context: RequestContext,
    status: number | undefined,
    started: number,
    failure?: NetdataError,
  ): void {
    const fields = {
      ...context,
      status,
      ms: Math.round(performance.now() - started),
      kind: failure?.kind,
      url: failure?.url,
    };
    // Unset fields are left out rather than printed as `undefined` by the pretty format.
    const present = Object.entries(fields).filter(([, value]) => value !== undefined);
    this.logger.debug('netdata request', {
      event: 'netdata.request',
      ...Object.fromEntries(present),
    });
  }
}

/** Error codes that Node and axios use, looked up on the error, its cause and its parts. */
function transportKind(error: unknown): 'connection_refused' | 'timeout' | 'network' {
  const codes = errorCodes(error);
  if (codes.has('ECONNREFUSED')) return 'connection_refused';
  // ERR_CANCELED: the only abort this client triggers is its own deadline signal.
  if (['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED'].some((code) => codes.has(code))) {
    return 'timeout';
  }
  return 'network';
}

function errorCodes(error: unknown, depth = 0): Set<string> {
  const codes = new Set<string>();
  if (typeof error !== 'object' || error === null || depth > 3) return codes;

  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') codes.add(code);
  const parts = [cause, ...(Array.isArray(errors) ? errors : [])];
  for (const part of parts) errorCodes(part, depth + 1).forEach((found) => codes.add(found));
  return codes;
}
