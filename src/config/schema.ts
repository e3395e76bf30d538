import convict from 'convict';
import YAML from 'yaml';

import { FORMATS, registerFormats, type FormatName } from './formats';

/**
 * The convict schema: every setting with its documentation, format, default, environment
 * variable and whether it is a secret. Keys are the YAML keys (snake_case). `config/default.yaml`
 * repeats these defaults with comments for people; a test keeps the two in step.
 */

/** One setting. `env` and `sensitive` are spelled out on every key so none is forgotten. */
export interface Setting {
  doc: string;
  format: FormatName;
  default: unknown;
  /** Environment variable that overrides the file; undefined when there is none. */
  env: string | undefined;
  /** Secrets are never shown in errors, logs or `describeConfig`. */
  sensitive: boolean;
}

export type SettingGroup = Record<string, Setting>;

/** The settings as convict returns them: durations still as written, rules not yet checked. */
export interface RawSettings {
  netdata: {
    url: string;
    timeout: string | number;
    nodes: string[];
    discover_every: string | number;
    unreachable_after: number;
  };
  poll: { every: string | number };
  slack: {
    bot_token: string;
    signing_secret: string;
    app_token: string;
    channel: string;
    api_url: string;
    timeout: string | number;
    mention_on_critical: string;
    allowed_users: string[];
    dashboard_url: string;
  };
  http: { host: string; port: number };
  state: { path: string; retention: string | number };
  log: { level: string; format: 'json' | 'pretty' };
  rules: Record<string, unknown>;
}

const netdata: SettingGroup = {
  url: {
    doc: 'Base URL of the Netdata agent or parent to poll',
    format: 'http-url',
    default: 'http://127.0.0.1:19999',
    env: 'NETDATA_URL',
    sensitive: false,
  },
  timeout: {
    doc: 'How long one request to Netdata may take',
    format: 'positive-duration',
    default: '5s',
    env: undefined,
    sensitive: false,
  },
  nodes: {
    doc: 'Hostnames to watch; [] means every node the agent reports (all children of a parent)',
    format: 'hostname-list',
    default: [],
    env: undefined,
    sensitive: false,
  },
  discover_every: {
    doc: 'How often the node list and the charts matching globs are fetched again',
    format: 'positive-duration',
    default: '5m',
    env: undefined,
    sensitive: false,
  },
  unreachable_after: {
    doc: 'Failed polling cycles in a row before a node raises netdata_unreachable',
    format: 'positive-integer',
    default: 3,
    env: undefined,
    sensitive: false,
  },
};

const poll: SettingGroup = {
  every: {
    doc: 'How often every rule is evaluated',
    format: 'positive-duration',
    default: '10s',
    env: undefined,
    sensitive: false,
  },
};

const slackSecrets: SettingGroup = {
  bot_token: {
    doc: 'Bot token (xoxb-...); empty means console mode: alerts are logged, not posted',
    format: 'bot-token',
    default: '',
    env: 'SLACK_BOT_TOKEN',
    sensitive: true,
  },
  signing_secret: {
    doc: 'Signing secret that verifies requests from Slack in HTTP mode',
    format: 'secret',
    default: '',
    env: 'SLACK_SIGNING_SECRET',
    sensitive: true,
  },
  app_token: {
    doc: 'App-level token (xapp-...); set means Socket Mode, no public HTTP endpoint needed',
    format: 'app-token',
    default: '',
    env: 'SLACK_APP_TOKEN',
    sensitive: true,
  },
};

const slack: SettingGroup = {
  ...slackSecrets,
  channel: {
    doc: 'Channel alerts go to: an id (C0123ABC) or a name (#ops-alerts)',
    format: 'string',
    default: '',
    env: 'SLACK_CHANNEL',
    sensitive: false,
  },
  api_url: {
    doc: 'Slack Web API base URL; tests point it at a local fake',
    format: 'http-url',
    default: 'https://slack.com/api/',
    env: 'SLACK_API_URL',
    sensitive: false,
  },
  timeout: {
    doc: 'How long one Slack API call may take',
    format: 'positive-duration',
    default: '10s',
    env: undefined,
    sensitive: false,
  },
  mention_on_critical: {
    doc: 'Added to critical alerts: "@here", "@channel", a user group id (S0123ABC), or ""',
    format: 'slack-mention',
    default: '',
    env: undefined,
    sensitive: false,
  },
  allowed_users: {
    doc: 'User ids (U.../W...) and user group ids (S...) allowed to acknowledge; [] means anyone',
    format: 'slack-id-list',
    default: [],
    env: undefined,
    sensitive: false,
  },
  dashboard_url: {
    doc: 'Netdata dashboard URL for "Open in Netdata" links; "" means netdata.url',
    format: 'http-url-or-empty',
    default: '',
    env: 'NETDATA_DASHBOARD_URL',
    sensitive: false,
  },
};

const http: SettingGroup = {
  host: {
    doc: 'Address the HTTP listener (health, metrics, Slack events) binds to',
    format: 'non-empty-string',
    default: '0.0.0.0',
    env: 'BRIDGE_HTTP_HOST',
    sensitive: false,
  },
  port: {
    doc: 'Port of the HTTP listener',
    format: 'tcp-port',
    default: 3000,
    env: 'BRIDGE_HTTP_PORT',
    sensitive: false,
  },
};

const state: SettingGroup = {
  path: {
    doc: 'SQLite file holding alerts and acknowledgements',
    format: 'non-empty-string',
    default: 'data/bridge.sqlite',
    env: 'BRIDGE_STATE_PATH',
    sensitive: false,
  },
  retention: {
    doc: 'How long resolved alerts are kept',
    format: 'positive-duration',
    default: '30d',
    env: undefined,
    sensitive: false,
  },
};

const log: SettingGroup = {
  level: {
    doc: 'Lowest level written: error, warn, info or debug',
    format: 'log-level',
    default: 'info',
    env: 'LOG_LEVEL',
    sensitive: false,
  },
  format: {
    doc: 'json (one object per line) or pretty (for a terminal)',
    format: 'log-format',
    default: 'json',
    env: 'LOG_FORMAT',
    sensitive: false,
  },
};

const rules: Setting = {
  // Convict cannot describe a map of objects strictly; rule-map only checks that this is a map
  // and validateRules checks each rule.
  doc: 'Checks to run, by rule id; see config/default.yaml',
  format: 'rule-map',
  default: {},
  env: undefined,
  sensitive: false,
};

/** The whole schema: sections of settings, plus `rules`, which is one setting holding a map. */
export const SCHEMA: Readonly<Record<string, SettingGroup | Setting>> = {
  netdata,
  poll,
  slack,
  http,
  state,
  log,
  rules,
};

export function isSetting(node: SettingGroup | Setting): node is Setting {
  return typeof node.format === 'string';
}

/** Every setting with its dotted key (`netdata.url`), in schema order. */
export function listSettings(): Array<{ key: string; setting: Setting }> {
  return Object.entries(SCHEMA).flatMap(([name, node]) =>
    isSetting(node)
      ? [{ key: name, setting: node }]
      : Object.entries(node).map(([child, setting]) => ({ key: `${name}.${child}`, setting })),
  );
}

let parserRegistered = false;

/**
 * A convict instance over the schema, reading `env` (never `process.env` unless passed) and no
 * command-line arguments: the CLI parses its own.
 */
export function createConvict(env: NodeJS.ProcessEnv): convict.Config<RawSettings> {
  registerFormats();
  if (!parserRegistered) {
    // Lets convict's own loadFile read YAML too; loadConfig parses files itself so that it can
    // name the line and column of a syntax error.
    convict.addParser({ extension: ['yml', 'yaml'], parse: YAML.parse });
    parserRegistered = true;
  }

  return convict<RawSettings>(SCHEMA as convict.Schema<RawSettings>, { env, args: [] });
}

/** The format of a setting, for the loader's own validation pass. */
export function formatOf(setting: Setting): (typeof FORMATS)[FormatName] {
  return FORMATS[setting.format];
}
