import winston from 'winston';

/**
 * Every line carries a stable `event` name; lines about an alert also carry its `key`.
 * Secrets never go in here: callers pass masked values only.
 */
export type Logger = winston.Logger;

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Where lines go; tests pass a stream they can read back. */
  stream?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(
          winston.format.timestamp(),
          winston.format.errors({ stack: false }),
          winston.format.json(),
        )
      : winston.format.combine(
          winston.format.timestamp({ format: 'HH:mm:ss' }),
          winston.format.printf(({ timestamp, level, message, event, ...fields }) => {
            const rest = Object.entries(fields)
              .map(
                ([name, value]) =>
                  `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
              )
              .join(' ');
            return `${String(timestamp)} ${level.padEnd(5)} ${String(event ?? '')} ${String(message)} ${rest}`.trimEnd();
          }),
        );
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: [] });
  return winston.createLogger({ level: options.level, format, transports: [transport] });
}

/** A logger that drops everything, for tests that do not look at logs. */
export function createSilentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console()] });
}
