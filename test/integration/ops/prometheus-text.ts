/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), enough to check
 * what `/metrics` serves: `# HELP`, `# TYPE`, and `name{labels} value [timestamp]` lines. It
 * throws on any line it does not understand, on a sample of a family with no `# TYPE`, and on
 * a family declared twice. Limits: no escaped quotes inside label values beyond `\"`, `\\`
 * and `\n`; exemplars and the OpenMetrics dialect are not accepted.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Family name to its `# TYPE`. */
  types: Map<string, string>;
  help: Map<string, string>;
  samples: Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const HELP_LINE = new RegExp(`^# HELP (${NAME}) (.*)$`);
const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(?:,|$)/;
const SUFFIXES = ['_bucket', '_sum', '_count', '_total', '_created'];

export function parsePrometheusText(text: string): Exposition {
  const exposition: Exposition = { types: new Map(), help: new Map(), samples: [] };

  text.split('\n').forEach((line, index) => {
    try {
      readLine(line, exposition);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`line ${index + 1}: ${reason}: ${JSON.stringify(line)}`, { cause: error });
    }
  });

  return exposition;
}

/** The value of the one sample named `name` whose labels include `labels`; throws otherwise. */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  const matches = exposition.samples.filter(
    (sample) =>
      sample.name === name &&
      Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
  );
  if (matches.length !== 1 || matches[0] === undefined) {
    throw new Error(`${matches.length} samples of ${name} ${JSON.stringify(labels)}`);
  }
  return matches[0].value;
}

function readLine(line: string, exposition: Exposition): void {
  if (line === '') {
    return;
  }

  const help = HELP_LINE.exec(line);
  if (help) {
    exposition.help.set(help[1] ?? '', help[2] ?? '');
    return;
  }

  const type = TYPE_LINE.exec(line);
  if (type) {
    const family = type[1] ?? '';
    if (exposition.types.has(family)) {
      throw new Error(`# TYPE of ${family} declared twice`);
    }
    exposition.types.set(family, type[2] ?? '');
    return;
  }

  if (line.startsWith('#')) {
    throw new Error('a comment that is neither # HELP nor # TYPE');
  }
  exposition.samples.push(readSample(line, exposition.types));
}

function readSample(line: string, types: Map<string, string>): Sample {
  const match = SAMPLE_LINE.exec(line);
  if (!match) {
    throw new Error('not a sample line');
  }

  const name = match[1] ?? '';
  if (familyOf(name, types) === undefined) {
    throw new Error(`sample ${name} has no # TYPE before it`);
  }
  return { name, labels: readLabels(match[2] ?? ''), value: readValue(match[3] ?? '') };
}

function familyOf(name: string, types: Map<string, string>): string | undefined {
  if (types.has(name)) {
    return name;
  }
  const suffix = SUFFIXES.find((candidate) => name.endsWith(candidate));
  const family = suffix === undefined ? undefined : name.slice(0, -suffix.length);
  return family !== undefined && types.has(family) ? family : undefined;
}

function readLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;

  while (rest !== '') {
    const label = LABEL.exec(rest);
    if (!label) {
      throw new Error(`bad labels at ${JSON.stringify(rest)}`);
    }
    labels[label[1] ?? ''] = label[2] ?? '';
    rest = rest.slice(label[0].length);
  }

  return labels;
}

function readValue(text: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  // Prometheus reads values with Go's ParseFloat, which takes NaN in any case; prom-client
  // writes `Nan` (e.g. the event loop lag before its first measurement).
  if (text.toLowerCase() === 'nan') return NaN;

  const value = Number(text);
  if (text === '' || Number.isNaN(value)) {
    throw new Error(`value ${JSON.stringify(text)} is not a number`);
  }
  return value;
}
