import type { Logger } from '../logging/logger';
import { NetdataError } from './errors';
import type { ChartSummary, NodeTarget } from './types';

/** `*` or `?` makes a pattern a glob; anything else is a plain chart id. */
function isGlob(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** Compiled globs: a cycle matches the same few patterns against every node. */
const compiledGlobs = new Map<string, RegExp>();

function compiledGlob(pattern: string): RegExp {
  let regExp = compiledGlobs.get(pattern);
  if (regExp === undefined) {
    regExp = globToRegExp(pattern);
    compiledGlobs.set(pattern, regExp);
  }
  return regExp;
}

/** `*` is any run of characters (dots included), `?` one character; the rest is literal. */
function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('')
    .map((char) => {
      if (char === '*') return '.*';
      if (char === '?') return '.';
      return char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/**
 * Which of the `available` chart ids a rule's `patterns` select. Every glob selects all the ids it
 * matches (one instance each, e.g. `net.*`); the plain names together are alternatives, of which
 * only the first one available is selected (`[mem.swap, system.swap]` across agent versions).
 * The result keeps the order of the patterns, then of `available`, without duplicates.
 */
export function matchCharts(patterns: string[], available: string[]): string[] {
  const selected = new Set<string>();
  let plainChosen = false;

  for (const pattern of patterns) {
    if (isGlob(pattern)) {
      const regExp = compiledGlob(pattern);
      available.filter((id) => regExp.test(id)).forEach((id) => selected.add(id));
    } else if (!plainChosen && available.includes(pattern)) {
      selected.add(pattern);
      plainChosen = true;
    }
  }
  return [...selected];
}

export interface ChartCatalogOptions {
  client: { listCharts(node: NodeTarget): Promise<ChartSummary[]> };
  /** A node's list is fetched again once it is this old (`netdata.discover_every`). */
  maxAgeMs: number;
  /** After a failed refresh, a node that still has a list waits this long before the next try. */
  retryAfterMs?: number;
  /** Milliseconds since the epoch. */
  clock: () => number;
  logger: Logger;
}

interface Entry {
  charts: ChartSummary[] | undefined;
  /** The ids of `charts`, built once per fetched list so callers can cache by the array. */
  ids: string[] | undefined;
  fetchedAt: number;
  failedAt: number | undefined;
  pending: Promise<void> | undefined;
}

/**
 * Chart lists per node, so that globs and alternatives are resolved every few minutes rather
 * than every cycle. A failed refresh keeps the last list known: a node that hiccups does not
 * lose its alerts, and a chart that really went away shows up as a 404 on its own request.
 */
export class ChartCatalog {
  private readonly entries = new Map<string, Entry>();
  private readonly retryAfterMs: number;

  constructor(private readonly options: ChartCatalogOptions) {
    this.retryAfterMs = options.retryAfterMs ?? Math.min(options.maxAgeMs, 30_000);
  }

  /** The node's charts, fetched if stale; undefined only while no list was ever fetched. */
  async charts(
    node: NodeTarget,
    now: number = this.options.clock(),
  ): Promise<ChartSummary[] | undefined> {
    const entry = this.entryFor(node.name);
    if (this.isDue(entry, now)) {
      entry.pending ??= this.refresh(node, entry, now).finally(() => {
        entry.pending = undefined;
      });
      await entry.pending;
    }
    return entry.charts;
  }

  /**
   * The node's chart ids, ready for `matchCharts`; undefined while never discovered. The same
   * array comes back until the list is fetched again, so callers may cache by it.
   */
  async chartIds(node: NodeTarget, now?: number): Promise<string[] | undefined> {
    await this.charts(node, now);
    return this.entries.get(node.name)?.ids;
  }

  /** Forces the next call for this node to fetch, e.g. after a chart answered 404. */
  invalidate(nodeName: string): void {
    const entry = this.entries.get(nodeName);
    if (entry) entry.fetchedAt = Number.NEGATIVE_INFINITY;
  }

  private entryFor(nodeName: string): Entry {
    let entry = this.entries.get(nodeName);
    if (!entry) {
      entry = {
        charts: undefined,
        ids: undefined,
        fetchedAt: 0,
        failedAt: undefined,
        pending: undefined,
      };
      this.entries.set(nodeName, entry);
    }
    return entry;
  }

  private isDue(entry: Entry, now: number): boolean {
    if (entry.charts === undefined) return true;
    if (now - entry.fetchedAt < this.options.maxAgeMs) return false;
    return entry.failedAt === undefined || now - entry.failedAt >= this.retryAfterMs;
  }

  private async refresh(node: NodeTarget, entry: Entry, now: number): Promise<void> {
    const { client, logger } = this.options;

    try {
      entry.charts = await client.listCharts(node);
      entry.ids = entry.charts.map((chart) => chart.id);
      entry.fetchedAt = now;
      if (entry.failedAt !== undefined) {
        logger.info('chart list fetched again', {
          event: 'netdata.discovery_recovered',
          node: node.name,
        });
      }
      entry.failedAt = undefined;
    } catch (error) {
      // Warn on the first failure only; later ones repeat until the node answers again.
      if (entry.failedAt === undefined) {
        logger.warn('chart list unavailable; keeping the last one known', {
          event: 'netdata.discovery_failed',
          node: node.name,
          kind: error instanceof NetdataError ? error.kind : 'network',
          charts: entry.charts?.length ?? 0,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      entry.failedAt = now;
    }
  }
}
