import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import YAML from 'yaml';

import { MASK, describeConfig, maskConfig, maskSecret } from '../../../src/config/describe';
import { loadConfig } from '../../../src/config/load';

const BOT_TOKEN = 'xoxb-example-bot-token-AbCdEfGhIjKlMnOpQrStUvWx';
const APP_TOKEN = 'xapp-example-app-token-0123456789abcdef0123456789abcdef';
const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

const slackEnv = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_APP_TOKEN: APP_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_CHANNEL: 'C0123ABC',
};

describe('maskSecret', () => {
  it.each([
    [BOT_TOKEN, `xoxb-${MASK}`],
    [APP_TOKEN, `xapp-${MASK}`],
    [SIGNING_SECRET, MASK],
    ['abc-def', `abc-${MASK}`],
    ['secretive-prefix-value', MASK],
    ['', ''],
  ])('masks %p as %p', (secret, masked) => {
    expect(maskSecret(secret)).toBe(masked);
  });
});

describe('maskConfig', () => {
  it('masks the three Slack secrets and leaves the rest as loaded', () => {
    const config = loadConfig({ env: slackEnv });
    const masked = maskConfig(config);

    expect(masked.slack).toEqual({
      ...config.slack,
      botToken: `xoxb-${MASK}`,
      appToken: `xapp-${MASK}`,
      signingSecret: MASK,
    });
    expect(masked.rules).toEqual(config.rules);
    expect(config.slack.botToken).toBe(BOT_TOKEN);
  });
});

describe('describeConfig', () => {
  it('never contains a secret, whole or in part beyond its kind prefix', () => {
    const text = describeConfig(loadConfig({ env: slackEnv }));

    for (const secret of [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(secret.slice(5, 13));
    }
    expect(YAML.parse(text).slack).toMatchObject({
      bot_token: `xoxb-${MASK}`,
      app_token: `xapp-${MASK}`,
      signing_secret: MASK,
    });
  });

  it('writes the effective config in the shape of the config file', () => {
    const described = YAML.parse(describeConfig(loadConfig({ env: {} })));

    expect(described.netdata).toEqual({
      url: 'http://127.0.0.1:19999',
      timeout: '5s',
      nodes: [],
      discover_every: '5m',
      unreachable_after: 3,
    });
    expect(described.state).toEqual({ path: 'data/bridge.sqlite', retention: '30d' });
    expect(described.rules.swap).toEqual({
      title: 'Swap usage',
      chart: ['mem.swap', 'system.swap'],
      dimensions: ['used'],
      percent_of: ['used', 'free'],
      window: '5m',
      absolute: false,
      units: '%',
      warning: { above: 80, clear_below: 70 },
      critical: { above: 90, clear_below: 80 },
      for: '1m',
      clear_for: '1m',
      enabled: true,
    });
  });

  it('loads back to the same config when written to a file', () => {
    const original = loadConfig({
      file: path.resolve(__dirname, '../../../config/examples/low-side.yaml'),
      env: {},
    });
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-describe-'));
    const file = path.join(directory, 'effective.yaml');
    fs.writeFileSync(file, describeConfig(original));

    expect(loadConfig({ file, env: {} })).toEqual(original);
  });
});
