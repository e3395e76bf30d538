/** The config layer: load and validate the config file and environment, describe the result. */
export type { BridgeConfig } from './types';
export { ConfigError, isConfigError } from './errors';
export { DEFAULT_CONFIG_FILE, loadConfig, type LoadOptions } from './load';
export { describeConfig, maskConfig, maskSecret } from './describe';
export {
  formatDuration,
  parseDuration,
  parseDurationMs,
  parseDurationSeconds,
  registerDurationFormats,
} from './duration';
export { RESERVED_RULE_IDS } from './rules';
export { SCHEMA, listSettings } from './schema';
