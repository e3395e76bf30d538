import type { BridgeConfig } from '../config/types';
import type { Logger } from '../logging/logger';
import type { NetdataClient } from '../netdata/client';
import { ChartCatalog } from '../netdata/discovery';
import { NetdataError } from '../netdata/errors';
import type { ChartRequest, ChartSample, NodeTarget } from '../netdata/types';
import type { NetdataSource } from './cycle';

/**
 * Adapts the Netdata client to what a cycle needs: which nodes to poll (configured, or every
 * node the agent reports), each node's charts (cached), and the data requests themselves.
 * Node and chart lists are fetched every `netdata.discover_every`, not every cycle.
 */
export class AgentNetdataSource implements NetdataSource {
  private readonly catalog: ChartCatalog;
  private agentHostname: string | undefined;
  private knownNodes: string[] = [];
  private nodesFetchedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly client: NetdataClient,
    private readonly config: () => BridgeConfig,
    private readonly logger: Logger,
    clock: () => number = Date.now,
  ) {
    this.catalog = new ChartCatalog({
      client,
      maxAgeMs: config().netdata.discoverEverySeconds * 1000,
      clock,
      logger,
    });
  }

  /** The hostname of the agent at `netdata.url`, once it has answered. */
  localNode(): string | undefined {
    return this.agentHostname;
  }

  async resolveNodes(now: number): Promise<NodeTarget[]> {
    const settings = this.config().netdata;
    const due = now - this.nodesFetchedAt >= settings.discoverEverySeconds * 1000;
    if (due || this.agentHostname === undefined) {
      await this.refreshNodes(now);
    }

    const names = settings.nodes.length > 0 ? settings.nodes : this.knownNodes;
    const fallback = this.agentHostname ?? hostOf(settings.url);
    const chosen = names.length > 0 ? names : [fallback];
    return chosen.map((name) => ({ name, local: name === fallback }));
  }

  async availableCharts(node: NodeTarget, now: number): Promise<string[] | undefined> {
    return this.catalog.chartIds(node, now);
  }

  fetchChart(request: ChartRequest): Promise<ChartSample> {
    return this.client.fetchChart(request);
  }

  private async refreshNodes(now: number): Promise<void> {
    try {
      const info = await this.client.getInfo();
      if (this.agentHostname === undefined) {
        this.logger.info('connected to Netdata', {
          event: 'netdata.connected',
          version: info.version,
          hostname: info.hostname,
          nodes: info.nodes.length,
        });
      }
      this.agentHostname = info.hostname;
      this.knownNodes = info.nodes.length > 0 ? info.nodes : [info.hostname];
      this.nodesFetchedAt = now;
    } catch (error) {
      // The last list known stays: a parent that hiccups does not lose its children's alerts.
      this.logger.debug('node discovery failed', {
        event: 'netdata.discovery_failed',
        kind: error instanceof NetdataError ? error.kind : 'unknown',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** `127.0.0.1:19999` for `http://127.0.0.1:19999/`: a name for an agent that never answered. */
function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
