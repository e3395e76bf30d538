import path from 'node:path';

import type convict from 'convict';

import { ConfigError } from './errors';
import { isPlainObject, mergeConfig } from './merge';
import { checkSlackMode, toBridgeConfig } from './normalize';
import { validateRules } from './rules';
import {
  SCHEMA,
  createConvict,
  formatOf,
  isSetting,
  listSettings,
  type RawSettings,
} from './schema';
import type { BridgeConfig } from './types';
import { readYamlFile, type ConfigDocument } from './yaml-file';

/**
 * `config/default.yaml` of the package. This file sits in `src/config/` under ts-jest and in
 * `dist/config/` after the build (tsconfig.build.json has rootDir src), both two levels below
 * the package root.
 */
export const DEFAULT_CONFIG_FILE = path.resolve(__dirname, '../../config/default.yaml');

export interface LoadOptions {
  /** The user's file, merged over the defaults; it holds only what it changes. */
  file?: string;
  /** Environment variables to apply last; `process.env` when left out. */
  env?: NodeJS.ProcessEnv;
  /** The defaults; `DEFAULT_CONFIG_FILE` when left out. */
  defaultsFile?: string;
}

/**
 * Loads the defaults, the user's file over them, then the environment, and validates all of it.
 * @throws ConfigError listing every problem, one per line, each naming the key (or file), the
 *   value and what was expected. Secrets are never part of a message.
 */
export function loadConfig(options: LoadOptions = {}): BridgeConfig {
  const env = options.env ?? process.env;
  const defaults = readYamlFile(options.defaultsFile ?? DEFAULT_CONFIG_FILE);
  const user = options.file === undefined ? {} : withoutEmptySections(readYamlFile(options.file));

  const problems: string[] = [];
  const document = keepKnownKeys(mergeConfig(defaults, user) as ConfigDocument, problems);
  const settings = readSettings(document, env, problems);

  const rules = isPlainObject(settings.rules) ? validateRules(settings.rules) : undefined;
  problems.push(...(rules?.problems ?? []), ...checkSlackMode(settings.slack));
  if (problems.length > 0 || !rules) {
    throw new ConfigError(problems);
  }

  return toBridgeConfig(settings, rules.rules);
}

/** Runs the document and the environment through convict; adds what is wrong to `problems`. */
function readSettings(
  document: ConfigDocument,
  env: NodeJS.ProcessEnv,
  problems: string[],
): RawSettings {
  const config = createConvict(env);
  const { rules, ...sections } = document;
  config.load(sections);
  // convict's load walks into any map whose format is not its built-in `object`, and fails on
  // the rule map; set() stores it as one value.
  config.set('rules', (rules ?? {}) as RawSettings['rules']);

  const found = validateSettings(config, env);
  problems.push(...(found.length > 0 ? found : validateStrictly(config)));

  return config.getProperties();
}

/**
 * A section left empty in YAML (`slack:` with every line under it commented out) is null; it
 * changes nothing rather than wiping the defaults.
 */
function withoutEmptySections(document: ConfigDocument): ConfigDocument {
  return Object.fromEntries(Object.entries(document).filter(([, value]) => value !== null));
}

/**
 * Drops, and reports, keys the schema does not know and sections that are not maps, so that
 * each mistake is reported once, with the keys that would have been right.
 */
function keepKnownKeys(document: ConfigDocument, problems: string[]): ConfigDocument {
  const kept: ConfigDocument = {};
  const sections = Object.keys(SCHEMA).join(', ');

  for (const [name, value] of Object.entries(document)) {
    const node = SCHEMA[name];
    if (!node) {
      problems.push(`${name}: unknown key; expected one of ${sections}`);
    } else if (isSetting(node)) {
      kept[name] = value;
    } else if (!isPlainObject(value)) {
      problems.push(`${name}: is not a section; expected keys ${Object.keys(node).join(', ')}`);
    } else {
      kept[name] = keepKnownChildren(name, value, Object.keys(node), problems);
    }
  }

  return kept;
}

function keepKnownChildren(
  section: string,
  value: Record<string, unknown>,
  known: string[],
  problems: string[],
): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (known.includes(key)) {
      kept[key] = child;
    } else {
      problems.push(`${section}.${key}: unknown key; expected one of ${known.join(', ')}`);
    }
  }

  return kept;
}

/** Runs every setting's format and names the environment variable when it supplied the value. */
function validateSettings(config: convict.Config<RawSettings>, env: NodeJS.ProcessEnv): string[] {
  const settings = config.getProperties() as unknown as Record<string, Record<string, unknown>>;

  return listSettings().flatMap(({ key, setting }) => {
    const [section = '', child] = key.split('.');
    const value = child === undefined ? settings[section] : settings[section]?.[child];
    try {
      formatOf(setting).validate(value);
      return [];
    } catch (error) {
      const from =
        setting.env !== undefined && env[setting.env] !== undefined ? ` (from ${setting.env})` : '';
      return [`${key}: ${(error as Error).message}${from}`];
    }
  });
}

/**
 * Convict's own strict validation, after ours has passed: it should find nothing, and is kept
 * so that a key added to the schema without a matching check still cannot slip through.
 */
function validateStrictly(config: convict.Config<RawSettings>): string[] {
  try {
    config.validate({ allowed: 'strict' });
    return [];
  } catch (error) {
    return (error as Error).message.split('\n');
  }
}
