import path from 'node:path';

import { DEFAULT_CONFIG_FILE } from '../../../src/config/load';
import { listSettings } from '../../../src/config/schema';
import { readYamlFile } from '../../../src/config/yaml-file';

describe('the config schema', () => {
  const settings = listSettings();

  it('documents every setting', () => {
    for (const { key, setting } of settings) {
      expect([key, setting.doc.length > 10]).toEqual([key, true]);
    }
  });

  it('marks exactly the Slack secrets as sensitive', () => {
    const sensitive = settings.filter(({ setting }) => setting.sensitive).map(({ key }) => key);

    expect(sensitive).toEqual(['slack.bot_token', 'slack.signing_secret', 'slack.app_token']);
  });

  it('reads secrets and addresses from the documented environment variables', () => {
    const env = Object.fromEntries(
      settings
        .filter(({ setting }) => setting.env !== undefined)
        .map(({ key, setting }) => [key, setting.env]),
    );

    expect(env).toEqual({
      'netdata.url': 'NETDATA_URL',
      'slack.bot_token': 'SLACK_BOT_TOKEN',
      'slack.signing_secret': 'SLACK_SIGNING_SECRET',
      'slack.app_token': 'SLACK_APP_TOKEN',
      'slack.channel': 'SLACK_CHANNEL',
      'slack.api_url': 'SLACK_API_URL',
      'slack.dashboard_url': 'NETDATA_DASHBOARD_URL',
      'http.host': 'BRIDGE_HTTP_HOST',
      'http.port': 'BRIDGE_HTTP_PORT',
      'state.path': 'BRIDGE_STATE_PATH',
      'log.level': 'LOG_LEVEL',
      'log.format': 'LOG_FORMAT',
    });
  });

  it('has the same defaults as config/default.yaml, which lists every setting', () => {
    const file = readYamlFile(DEFAULT_CONFIG_FILE) as Record<string, Record<string, unknown>>;

    for (const { key, setting } of settings.filter(({ key }) => key !== 'rules')) {
      const [section = '', child = ''] = key.split('.');
      expect([key, file[section]?.[child]]).toEqual([key, setting.default]);
    }
  });

  it('finds config/default.yaml at the package root', () => {
    expect(DEFAULT_CONFIG_FILE).toBe(path.resolve(__dirname, '../../../config/default.yaml'));
  });
});
