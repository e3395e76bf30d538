import type { Rule } from '../rules/types';

/**
 * The daemon's configuration after loading and validation. Durations are already numbers
 * (seconds, or milliseconds where the name says so); rules are normalised.
 */
export interface BridgeConfig {
  netdata: {
    /** Base URL of an agent or a parent, without a trailing slash. */
    url: string;
    timeoutMs: number;
    /**
     * Nodes to watch by hostname. Empty means every node the agent reports in
     * `/api/v1/info` (`mirrored_hosts`): just itself on a plain agent, all children on a parent.
     */
    nodes: string[];
    /** How often chart lists (for globs) and node lists are fetched again. */
    discoverEverySeconds: number;
    /** Consecutive failed cycles before a node raises `netdata_unreachable`. */
    unreachableAfter: number;
  };
  poll: { everySeconds: number };
  slack: {
    botToken: string;
    signingSecret: string;
    appToken: string;
    channel: string;
    /** Web API base URL, ending with a slash. */
    apiUrl: string;
    timeoutMs: number;
    /** Added to critical alerts: `@here`, `@channel`, a user group id `S0123`, or empty. */
    mentionOnCritical: string;
    /** User ids (`U…`) and user group ids (`S…`) allowed to acknowledge; empty means anyone. */
    allowedUsers: string[];
    /** Link target for "Open in Netdata"; defaults to `netdata.url`. */
    dashboardUrl: string;
  };
  http: { host: string; port: number };
  state: { path: string; retentionDays: number };
  log: { level: string; format: 'json' | 'pretty' };
  rules: Rule[];
}
