import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { loadConfig } from '../../../src/config/load';
import type { Rule } from '../../../src/rules/types';
import { DEFAULT_CPU_RULE } from '../../support/rules';

const FIXTURES = path.resolve(__dirname, '../../fixtures/config');
const EXAMPLES = path.resolve(__dirname, '../../../config/examples');

function rule(rules: Rule[], id: string): Rule {
  const found = rules.find((candidate) => candidate.id === id);
  if (!found) {
    throw new Error(`no rule ${id} in ${rules.map((candidate) => candidate.id).join(', ')}`);
  }
  return found;
}

describe('loadConfig defaults', () => {
  const config = loadConfig({ env: {} });

  it('has the documented values for every section', () => {
    expect(config.netdata).toEqual({
      url: 'http://127.0.0.1:19999',
      timeoutMs: 5000,
      nodes: [],
      discoverEverySeconds: 300,
      unreachableAfter: 3,
    });
    expect(config.poll).toEqual({ everySeconds: 10 });
    expect(config.slack).toEqual({
      botToken: '',
      signingSecret: '',
      appToken: '',
      channel: '',
      apiUrl: 'https://slack.com/api/',
      timeoutMs: 10000,
      mentionOnCritical: '',
      allowedUsers: [],
      dashboardUrl: 'http://127.0.0.1:19999',
    });
    expect(config.http).toEqual({ host: '0.0.0.0', port: 3000 });
    expect(config.state).toEqual({ path: 'data/bridge.sqlite', retentionDays: 30 });
    expect(config.log).toEqual({ level: 'info', format: 'json' });
  });

  it('has the four default rules in file order, all enabled', () => {
    expect(config.rules.map((each) => [each.id, each.enabled])).toEqual([
      ['cpu', true],
      ['swap', true],
      ['bandwidth_in', true],
      ['bandwidth_out', true],
    ]);
  });

  it('normalises the cpu rule', () => {
    expect(rule(config.rules, 'cpu')).toEqual(DEFAULT_CPU_RULE);
  });

  it('reads swap as a percentage of used plus free over either chart name', () => {
    const swap = rule(config.rules, 'swap');
    expect(swap.charts).toEqual(['mem.swap', 'system.swap']);
    expect(swap.dimensions).toEqual(['used']);
    expect(swap.percentOf).toEqual(['used', 'free']);
    expect([swap.windowSeconds, swap.forSeconds, swap.clearForSeconds]).toEqual([300, 60, 60]);
    expect(swap.warning).toEqual({ direction: 'high', trigger: 80, clear: 70 });
    expect(swap.critical).toEqual({ direction: 'high', trigger: 90, clear: 80 });
  });

  it('watches every interface for bandwidth with absolute values in kilobits/s', () => {
    for (const [id, dimension] of [
      ['bandwidth_in', 'received'],
      ['bandwidth_out', 'sent'],
    ] as const) {
      const bandwidth = rule(config.rules, id);
      expect(bandwidth.charts).toEqual(['net.*']);
      expect(bandwidth.dimensions).toEqual([dimension]);
      expect(bandwidth.absolute).toBe(true);
      expect(bandwidth.units).toBe('kilobits/s');
      expect(bandwidth.warning).toEqual({ direction: 'high', trigger: 800000, clear: 700000 });
      expect(bandwidth.critical).toEqual({ direction: 'high', trigger: 950000, clear: 850000 });
    }
  });
});

describe('loadConfig with a user file', () => {
  it('changes one threshold and keeps every other field of the rule', () => {
    const defaults = loadConfig({ env: {} });
    const config = loadConfig({ file: path.join(FIXTURES, 'cpu-warning-85.yaml'), env: {} });

    expect(rule(config.rules, 'cpu')).toEqual({
      ...rule(defaults.rules, 'cpu'),
      warning: { direction: 'high', trigger: 85, clear: 75 },
    });
    expect(config.rules.filter((each) => each.id !== 'cpu')).toEqual(
      defaults.rules.filter((each) => each.id !== 'cpu'),
    );
    expect(config.netdata).toEqual(defaults.netdata);
  });

  it('adds a low-side rule and switches a default rule off', () => {
    const config = loadConfig({ file: path.join(EXAMPLES, 'low-side.yaml'), env: {} });

    expect(rule(config.rules, 'ram_available')).toMatchObject({
      charts: ['mem.available'],
      dimensions: ['MemAvailable'],
      warning: { direction: 'low', trigger: 1024, clear: 1536 },
      critical: { direction: 'low', trigger: 256, clear: 512 },
      forSeconds: 60,
      clearForSeconds: 120,
      enabled: true,
    });
    expect(rule(config.rules, 'swap').enabled).toBe(false);
    expect(rule(config.rules, 'swap').warning).toEqual({
      direction: 'high',
      trigger: 80,
      clear: 70,
    });
    expect(rule(config.rules, 'cpu').enabled).toBe(true);
  });

  it('loads the parent example with its nodes, Slack settings and 10 Gbit/s thresholds', () => {
    const config = loadConfig({ file: path.join(EXAMPLES, 'parent.yaml'), env: {} });

    expect(config.netdata).toMatchObject({
      url: 'http://netdata-parent.internal:19999',
      nodes: ['web-1', 'web-2', 'web-3'],
      timeoutMs: 8000,
    });
    expect(config.slack).toMatchObject({
      channel: '#ops-alerts',
      mentionOnCritical: '@here',
      allowedUsers: ['S0123ONCALL', 'U0456LEAD'],
      dashboardUrl: 'https://netdata.example.com',
    });
    expect(rule(config.rules, 'bandwidth_out').warning?.trigger).toBe(8000000);
    expect(rule(config.rules, 'cpu').warning).toEqual({
      direction: 'high',
      trigger: 85,
      clear: 80,
    });
  });

  it('replaces a level whole when it moves from the high side to the low side', () => {
    const config = loadConfig({ file: path.join(FIXTURES, 'switches-cpu-side.yaml'), env: {} });

    expect(rule(config.rules, 'cpu').warning).toEqual({ direction: 'low', trigger: 20, clear: 25 });
    expect(rule(config.rules, 'cpu').critical).toEqual({
      direction: 'low',
      trigger: 10,
      clear: 15,
    });
    expect(rule(config.rules, 'cpu').dimensions).toEqual(['idle']);
  });

  it('treats a file with every option commented out as no change', () => {
    expect(loadConfig({ file: path.join(FIXTURES, 'empty.yaml'), env: {} })).toEqual(
      loadConfig({ env: {} }),
    );
  });

  it('fills in rule fields a new rule leaves out', () => {
    const file = writeTemp(
      'rules:\n  load:\n    chart: system.load\n    critical: { above: 8, clear_below: 6 }\n',
    );
    const load = rule(loadConfig({ file, env: {} }).rules, 'load');

    expect(load).toEqual({
      id: 'load',
      title: 'load',
      charts: ['system.load'],
      dimensions: [],
      percentOf: undefined,
      windowSeconds: 60,
      absolute: false,
      units: '',
      warning: undefined,
      critical: { direction: 'high', trigger: 8, clear: 6 },
      forSeconds: 0,
      clearForSeconds: 0,
      enabled: true,
    });
  });

  it('removes a default level set to null', () => {
    const file = writeTemp('rules:\n  cpu:\n    warning: null\n');
    const cpu = rule(loadConfig({ file, env: {} }).rules, 'cpu');

    expect(cpu.warning).toBeUndefined();
    expect(cpu.critical).toEqual({ direction: 'high', trigger: 90, clear: 85 });
  });
});

describe('loadConfig with environment variables', () => {
  const env = {
    NETDATA_URL: 'http://10.0.0.5:19999/',
    SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefabcdef',
    SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
    SLACK_CHANNEL: 'C0123ABC',
    SLACK_API_URL: 'http://127.0.0.1:4567/api',
    NETDATA_DASHBOARD_URL: 'https://netdata.example.com/',
    BRIDGE_HTTP_HOST: '127.0.0.1',
    BRIDGE_HTTP_PORT: '8080',
    BRIDGE_STATE_PATH: '/tmp/bridge-test.sqlite',
    LOG_LEVEL: 'DEBUG',
    LOG_FORMAT: 'pretty',
  };

  it('override the defaults and are normalised', () => {
    const config = loadConfig({ env });

    expect(config.netdata.url).toBe('http://10.0.0.5:19999');
    expect(config.slack).toMatchObject({
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      channel: 'C0123ABC',
      apiUrl: 'http://127.0.0.1:4567/api/',
      dashboardUrl: 'https://netdata.example.com',
    });
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.state.path).toBe('/tmp/bridge-test.sqlite');
    expect(config.log).toEqual({ level: 'debug', format: 'pretty' });
  });

  it('win over the user file', () => {
    const file = writeTemp('netdata:\n  url: http://from-file:19999\nhttp:\n  port: 4000\n');
    const config = loadConfig({ file, env: { NETDATA_URL: 'http://from-env:19999' } });

    expect(config.netdata.url).toBe('http://from-env:19999');
    expect(config.http.port).toBe(4000);
  });

  it('are read only from the env passed in, not from the process', () => {
    process.env.BRIDGE_HTTP_PORT = '9999';
    try {
      expect(loadConfig({ env: {} }).http.port).toBe(3000);
    } finally {
      delete process.env.BRIDGE_HTTP_PORT;
    }
  });

  it('select Socket Mode without a signing secret', () => {
    const config = loadConfig({
      env: { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1-A1-2', SLACK_CHANNEL: '#ops' },
    });

    expect(config.slack.appToken).toBe('xapp-1-A1-2');
    expect(config.slack.signingSecret).toBe('');
  });
});

export function writeTemp(text: string, name = 'config.yaml'): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-config-'));
  const file = path.join(directory, name);
  fs.writeFileSync(file, text);
  return file;
}
