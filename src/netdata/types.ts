/**
 * What the Netdata client hands to the rest of the daemon. Plain data, so the rule engine and
 * the reducers never see an HTTP response.
 */

/**
 * A node to query. The local node is the agent at `netdata.url` itself (`/api/v1/...`); any
 * other node is a child streamed into that agent acting as a parent (`/host/<name>/api/v1/...`).
 */
export interface NodeTarget {
  name: string;
  local: boolean;
}

/** The parts of `/api/v1/info` the daemon uses. */
export interface AgentInfo {
  /** As the agent reports it, e.g. `v1.37.1`. */
  version: string;
  /** The agent's own hostname: the `mirrored_hosts_status` entry with `hops` 0. */
  hostname: string;
  /** Every node the agent holds data for (itself first on 1.37), from `mirrored_hosts`. */
  nodes: string[];
}

/** One chart of `/api/v1/charts`. */
export interface ChartSummary {
  id: string;
  name: string;
  units: string;
  /** Dimension names (not ids), in the agent's order. */
  dimensions: string[];
}

/** One `/api/v1/data` request: the latest average of every dimension of one chart. */
export interface ChartRequest {
  node: NodeTarget;
  /** Chart id (or name; the agent accepts both). */
  chart: string;
  /** Netdata averages over this many seconds, ending now. */
  windowSeconds: number;
  /** Ask for absolute values, so that dimensions drawn negative (bandwidth `sent`) are positive. */
  absolute: boolean;
}

/**
 * The latest point of one chart. `values` is keyed by dimension name; a `null` is a gap the agent
 * reported (no data collected in the window).
 */
export interface ChartSample {
  chart: string;
  /** Seconds since the epoch, as the agent stamped the point (not the local clock). */
  at: number;
  values: Record<string, number | null>;
  /**
   * Dimension id to name, for charts whose ids differ (`system.net`: `InOctets` is `received`), so
   * a rule may name a dimension either way. Absent or empty when every id equals its name.
   */
  dimensionIds?: Record<string, string>;
}
