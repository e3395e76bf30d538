import type { AgentInfo, ChartSample, ChartSummary } from './types';

/**
 * Shape checks for the three answers the client reads. The agent's JSON is trusted for nothing:
 * a proxy's HTML error page, a truncated body or a newer agent's different layout must end as a
 * clear error, never as a NaN that silently clears an alert.
 */

/** Thrown by the parsers; the client turns it into a `NetdataError` of kind `malformed`. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponseError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/** Parses a body as JSON; a body that is not JSON (HTML, truncated) is malformed. */
export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    const start = body.trimStart().slice(0, 40);
    throw new MalformedResponseError(
      `a body that is not JSON (starts with ${JSON.stringify(start)})`,
      {
        cause: error,
      },
    );
  }
}

/** `/api/v1/info`: version, the agent's own hostname and the nodes it holds. */
export function parseInfo(body: unknown): AgentInfo {
  if (!isObject(body) || typeof body.version !== 'string') {
    throw new MalformedResponseError('an info object without "version"');
  }
  const nodes = isStringArray(body.mirrored_hosts) ? body.mirrored_hosts : [];

  const statuses = Array.isArray(body.mirrored_hosts_status) ? body.mirrored_hosts_status : [];
  const self = statuses.find((status) => isObject(status) && status.hops === 0) as Json | undefined;
  const hostname = typeof self?.hostname === 'string' ? self.hostname : nodes[0];
  if (hostname === undefined) {
    throw new MalformedResponseError('an info object without "mirrored_hosts"');
  }

  return { version: body.version, hostname, nodes: nodes.length > 0 ? nodes : [hostname] };
}

/** `/api/v1/charts`: one summary per chart, in the agent's order. */
export function parseCharts(body: unknown): ChartSummary[] {
  if (!isObject(body) || !isObject(body.charts)) {
    throw new MalformedResponseError('a chart list without a "charts" object');
  }

  return Object.entries(body.charts).map(([key, chart]) => {
    if (!isObject(chart)) {
      throw new MalformedResponseError(`chart "${key}" that is not an object`);
    }
    const id = typeof chart.id === 'string' ? chart.id : key;
    const dimensions = isObject(chart.dimensions) ? chart.dimensions : {};
    return {
      id,
      name: typeof chart.name === 'string' ? chart.name : id,
      units: typeof chart.units === 'string' ? chart.units : '',
      dimensions: Object.entries(dimensions).map(([dimensionId, dimension]) =>
        isObject(dimension) && typeof dimension.name === 'string' ? dimension.name : dimensionId,
      ),
    };
  });
}

/**
 * `/api/v1/data` with `format=json&options=jsonwrap`: the newest row, keyed by the labels the
 * agent sent with it. Labels are dimension names, and 1.37 may order them differently from the
 * chart, so values are always matched by label, never by position in the chart.
 */
export function parseChartData(body: unknown, chart: string): ChartSample {
  if (!isObject(body) || !isObject(body.result)) {
    throw new MalformedResponseError('a data answer without a "result" object');
  }
  const labels = body.result.labels;
  if (!isStringArray(labels) || labels[0] !== 'time') {
    throw new MalformedResponseError('a data answer without "labels" starting with "time"');
  }

  const row = newestRow(body.result.data, labels.length);
  const values: Record<string, number | null> = {};
  labels.forEach((label, index) => {
    if (index > 0) values[label] = row[index] ?? null;
  });

  return { chart, at: row[0] as number, values, dimensionIds: dimensionIds(body) };
}

function newestRow(data: unknown, width: number): (number | null)[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw new MalformedResponseError('a data answer with no rows (is the chart collecting?)');
  }

  let newest: (number | null)[] | undefined;
  for (const row of data) {
    const checked = checkRow(row, width);
    if (newest === undefined || (checked[0] as number) > (newest[0] as number)) newest = checked;
  }
  return newest as (number | null)[];
}

function checkRow(row: unknown, width: number): (number | null)[] {
  if (!Array.isArray(row) || row.length !== width) {
    throw new MalformedResponseError(`a data row that does not have ${width} cells`);
  }
  if (typeof row[0] !== 'number') {
    throw new MalformedResponseError('a data row whose time is not a number');
  }
  if (!row.every((cell) => cell === null || (typeof cell === 'number' && Number.isFinite(cell)))) {
    throw new MalformedResponseError('a data row with a cell that is neither a number nor null');
  }
  return row as (number | null)[];
}

/** Id to name for dimensions whose id differs; empty when the agent sent no usable lists. */
function dimensionIds(body: Json): Record<string, string> {
  const ids = body.dimension_ids;
  const names = body.dimension_names;
  const map: Record<string, string> = {};
  if (!isStringArray(ids) || !isStringArray(names) || ids.length !== names.length) return map;

  ids.forEach((id, index) => {
    const name = names[index];
    if (name !== undefined && name !== id) map[id] = name;
  });
  return map;
}
