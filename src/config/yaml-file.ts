import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

import { ConfigError } from './errors';

/** A parsed config file: the top level is a map of sections; an empty file is an empty map. */
export type ConfigDocument = Record<string, unknown>;

/**
 * Reads and parses one YAML config file.
 * @throws ConfigError naming the path when the file cannot be read, and the path, line and
 *   column of every syntax error when it cannot be parsed.
 */
export function readYamlFile(file: string): ConfigDocument {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? 'unknown error'})`;
    // The absolute path, because a daemon's working directory is rarely the operator's.
    const where = path.resolve(file);
    throw new ConfigError([`${where}: ${reason}; check the config file path (--config)`], {
      cause: error,
    });
  }

  return parseYaml(text, file);
}

/** Parses YAML text; `source` names it in errors (a path, or e.g. "environment"). */
export function parseYaml(text: string, source: string): ConfigDocument {
  const document = YAML.parseDocument(text);
  if (document.errors.length > 0) {
    const problems = document.errors.map((error) => {
      const position = error.linePos?.[0];
      const where = position ? `${source}:${position.line}:${position.col}` : source;
      // The yaml package appends "at line L, column C:" and a code excerpt; keep the reason only.
      const reason = error.message.split(/ at line \d+/)[0] ?? error.message;
      return `${where}: invalid YAML: ${reason}`;
    });
    throw new ConfigError(problems, { cause: document.errors[0] });
  }

  const value: unknown = document.toJS();
  if (value === null || value === undefined) {
    return {};
  }

  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([
      `${source}: the top level is ${Array.isArray(value) ? 'a list' : 'a single value'}; expected sections such as netdata:, slack:, rules:`,
    ]);
  }

  return value as ConfigDocument;
}
