import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, type Logger } from '../../../src/logging/logger';

const FIXTURES = join(__dirname, '..', '..', 'fixtures');

/** A body recorded from the real 1.37.1 agent, as the agent sent it. */
export function recorded(name: string): string {
  return readFileSync(join(FIXTURES, 'netdata-v1.37.1', name), 'utf8');
}

/** A body that no healthy agent sends, from the malformed fixtures. */
export function malformed(name: string): string {
  return readFileSync(join(FIXTURES, 'netdata-malformed', name), 'utf8');
}

/** The 404 body of 1.37.1 for a chart it does not have, without the recorder's status line. */
export function noSuchChartBody(): string {
  return recorded('data-no-such-chart.txt').split('\n')[0] ?? '';
}

/** A debug-level JSON logger whose lines the test reads back as parsed objects. */
export function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ level: 'debug', format: 'json', stream });

  const lines = (): Record<string, unknown>[] =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}
