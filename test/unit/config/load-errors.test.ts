import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ConfigError, isConfigError } from '../../../src/config/errors';
import { loadConfig } from '../../../src/config/load';

const FIXTURES = path.resolve(__dirname, '../../fixtures/config');

function writeTemp(text: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-config-'));
  const file = path.join(directory, 'config.yaml');
  fs.writeFileSync(file, text);
  return file;
}

/** The problems loading `yaml` (as the user's file) reports; fails the test when it loads. */
function problemsOf(yaml: string | undefined, env: NodeJS.ProcessEnv = {}): readonly string[] {
  const file = yaml === undefined ? undefined : writeTemp(yaml);
  try {
    loadConfig({ file, env });
  } catch (error) {
    if (isConfigError(error)) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('the config loaded without problems');
}

describe('loadConfig problems with settings', () => {
  it('names a duration that does not parse', () => {
    expect(problemsOf('poll:\n  every: ten\n')).toEqual([
      'poll.every: "ten" is not a duration; expected e.g. 10s, 5m, 1m30s',
    ]);
  });

  it('rejects a zero polling interval', () => {
    expect(problemsOf('poll:\n  every: 0s\n')).toEqual([
      'poll.every: "0s" is zero; expected a positive duration, e.g. 10s, 5m, 1m30s',
    ]);
  });

  it('names an unknown key and the keys that would be right', () => {
    expect(problemsOf('netdata:\n  urll: http://127.0.0.1:19999\n')).toEqual([
      'netdata.urll: unknown key; expected one of url, timeout, nodes, discover_every, unreachable_after',
    ]);
  });

  it('names an unknown section', () => {
    expect(problemsOf('slak:\n  channel: C1\n')).toEqual([
      'slak: unknown key; expected one of netdata, poll, slack, http, state, log, rules',
    ]);
  });

  it('rejects a section written as a single value', () => {
    expect(problemsOf('http: 3000\n')).toEqual([
      'http: is not a section; expected keys host, port',
    ]);
  });

  it('rejects a URL without a scheme', () => {
    expect(problemsOf('netdata:\n  url: "127.0.0.1:19999"\n')).toEqual([
      expect.stringMatching(
        /^netdata\.url: "127\.0\.0\.1:19999" is not (a|an http\(s\)) URL; expected an http\(s\) URL such as http:\/\/127\.0\.0\.1:19999$/,
      ),
    ]);
  });

  it('rejects a port out of range', () => {
    expect(problemsOf('http:\n  port: 70000\n')).toEqual([
      'http.port: 70000 is not a port; expected an integer from 0 to 65535 (0 picks a free one)',
    ]);
  });

  it('names the environment variable that supplied a bad value', () => {
    expect(problemsOf(undefined, { BRIDGE_HTTP_PORT: 'eighty', LOG_LEVEL: 'loud' })).toEqual([
      'http.port: "eighty" is not a port; expected an integer from 0 to 65535 (0 picks a free one) (from BRIDGE_HTTP_PORT)',
      'log.level: "loud" is not allowed; expected one of error, warn, info, debug (from LOG_LEVEL)',
    ]);
  });

  it('rejects a Slack id that is not a user or user group', () => {
    expect(problemsOf('slack:\n  allowed_users: [U0123ABC, alice]\n')).toEqual([
      'slack.allowed_users: "alice" is not a Slack user or user group id; expected e.g. U0123ABC, S0456DEF',
    ]);
  });

  it('rejects a mention Slack would not understand', () => {
    expect(problemsOf('slack:\n  mention_on_critical: "@oncall"\n')).toEqual([
      'slack.mention_on_critical: "@oncall" is not a mention; expected "", "@here", "@channel" or a user group id such as S0123ABC',
    ]);
  });
});

describe('loadConfig problems with Slack modes', () => {
  it('asks for a channel and a signing secret once a bot token is set', () => {
    expect(problemsOf(undefined, { SLACK_BOT_TOKEN: 'xoxb-1-2' })).toEqual([
      expect.stringMatching(
        /^slack\.channel: "" but slack\.bot_token is set; expected a channel id/,
      ),
      expect.stringMatching(
        /^slack\.signing_secret: "" but slack\.bot_token is set and slack\.app_token is not;/,
      ),
    ]);
  });

  it('refuses an app token without a bot token', () => {
    expect(problemsOf(undefined, { SLACK_APP_TOKEN: 'xapp-1-2' })).toEqual([
      expect.stringMatching(
        /^slack\.bot_token: "" but slack\.app_token is set; Socket Mode also needs/,
      ),
    ]);
  });

  it('never shows a token in a message, even a malformed one', () => {
    const token = 'xoxp-example-user-token-should-stay-hidden';
    const env = { SLACK_BOT_TOKEN: token, SLACK_APP_TOKEN: token, SLACK_CHANNEL: 'C1' };
    const problems = problemsOf(undefined, env);

    expect(problems).toEqual([
      'slack.bot_token: does not start with "xoxb-"; expected a bot token (xoxb-...) or "" (value not shown) (from SLACK_BOT_TOKEN)',
      'slack.app_token: does not start with "xapp-"; expected an app-level token (xapp-...) or "" (value not shown) (from SLACK_APP_TOKEN)',
    ]);
    expect(problems.join('\n')).not.toContain('9876543210');
  });
});

/** A valid rule `load` with `field` added (or replacing its chart). */
function ruleWith(field: string): string {
  const fields = ['critical: { above: 8, clear_below: 6 }', field];
  if (!field.startsWith('chart:')) {
    fields.push('chart: system.load');
  }
  return `rules:\n  load:\n${fields.map((line) => `    ${line}\n`).join('')}`;
}

describe('loadConfig problems with rules', () => {
  it('explains a clear level on the wrong side of its trigger', () => {
    expect(problemsOf('rules:\n  cpu:\n    warning: { above: 80, clear_below: 95 }\n')).toEqual([
      'rules.cpu.warning.clear_below: 95 is above the trigger 80; a high-side level clears below its trigger (set clear_below under above)',
    ]);
  });

  it('keeps the default clear level when only the trigger changes, and says when it no longer fits', () => {
    expect(problemsOf('rules:\n  cpu:\n    warning: { above: 70 }\n')).toEqual([
      'rules.cpu.warning.clear_below: 75 is above the trigger 70; a high-side level clears below its trigger (set clear_below under above)',
    ]);
  });

  it('explains a low-side clear level below its trigger', () => {
    expect(
      problemsOf(
        'rules:\n  ram:\n    chart: mem.available\n    warning: { below: 100, clear_above: 50 }\n',
      ),
    ).toEqual([
      'rules.ram.warning.clear_above: 50 is below the trigger 100; a low-side level clears above its trigger (set clear_above over below)',
    ]);
  });

  it('refuses a critical level that is milder than warning', () => {
    expect(problemsOf('rules:\n  cpu:\n    critical: { above: 70, clear_below: 65 }\n')).toEqual([
      'rules.cpu.critical.above: 70 is below warning.above 80; critical must be worse than warning',
    ]);
  });

  it('refuses a low-side critical level above the warning level', () => {
    const yaml =
      'rules:\n  ram:\n    chart: mem.available\n    warning: { below: 100, clear_above: 150 }\n    critical: { below: 200, clear_above: 250 }\n';
    expect(problemsOf(yaml)).toEqual([
      'rules.ram.critical.below: 200 is above warning.below 100; critical must be worse than warning',
    ]);
  });

  it('refuses levels that watch different sides', () => {
    const yaml = 'rules:\n  cpu:\n    critical: { below: 5, clear_above: 10 }\n';
    expect(problemsOf(yaml)).toEqual([
      'rules.cpu.critical: uses below while warning uses above; both levels of a rule watch the same side',
    ]);
  });

  it.each([
    [
      '{ above: 80, below: 10, clear_below: 70 }',
      'rules.load.warning: has both above and below; a level watches one side',
    ],
    ['{ clear_below: 70 }', 'rules.load.warning: has neither above nor below; expected'],
    [
      '{ above: 80 }',
      'rules.load.warning.clear_below: missing; a high-side level (above) needs clear_below',
    ],
    [
      '{ above: 80, clear_above: 90 }',
      'rules.load.warning.clear_above: does not go with above; a high-side level (above) is left by clear_below',
    ],
    [
      '{ above: "80%", clear_below: 70 }',
      'rules.load.warning.above: "80%" is not a number; expected e.g. 80 (no unit)',
    ],
    [
      '{ above: 80, clear_below: 70, clear: 60 }',
      'rules.load.warning.clear: unknown key; expected one of above, clear_below, below, clear_above',
    ],
    [
      '90',
      'rules.load.warning: 90 is not a level; expected { above: 80, clear_below: 75 } or { below: 10, clear_above: 15 }',
    ],
  ])('explains the malformed level %s', (level, message) => {
    const problems = problemsOf(`rules:\n  load:\n    chart: system.load\n    warning: ${level}\n`);

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('asks for at least one level', () => {
    expect(problemsOf('rules:\n  load:\n    chart: system.load\n')).toEqual([
      'rules.load: has no warning and no critical level; expected at least one, e.g. warning: { above: 80, clear_below: 75 }',
    ]);
  });

  it('names rule fields it does not know, and the ones it does', () => {
    expect(problemsOf('rules:\n  cpu:\n    treshold: 80\n')).toEqual([
      'rules.cpu.treshold: unknown key; expected one of title, chart, dimensions, percent_of, window, absolute, units, warning, critical, for, clear_for, enabled',
    ]);
  });

  it.each([
    [
      'chart: 5',
      'rules.load.chart: 5 is not a chart; expected a chart id (system.cpu), a glob (net.*) or a list of them',
    ],
    ['chart: []', 'rules.load.chart: [] is not a chart;'],
    ['window: 0s', 'rules.load.window: "0s" is too short; expected at least 1s'],
    ['for: soon', 'rules.load.for: "soon" is not a duration; expected e.g. 10s, 5m, 1m30s'],
    ['enabled: "no"', 'rules.load.enabled: "no" is not a boolean; expected true or false'],
    [
      'dimensions: user',
      'rules.load.dimensions: "user" is not a list of names; expected e.g. [user, system]',
    ],
    [
      'percent_of: []',
      'rules.load.percent_of: [] names no dimension; expected e.g. [used, free], or leave it out',
    ],
    ['title: 5', 'rules.load.title: 5 is not text; expected a string'],
  ])('explains the malformed rule field %s', (field, message) => {
    const problems = problemsOf(ruleWith(field));

    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it('asks for the chart a rule watches', () => {
    expect(problemsOf('rules:\n  load:\n    critical: { above: 8, clear_below: 6 }\n')).toEqual([
      'rules.load.chart: missing; expected a chart id (system.cpu), a glob (net.*) or a list of them',
    ]);
  });

  it('refuses rule ids that would not fit an alert key', () => {
    expect(
      problemsOf(
        'rules:\n  Disk-Space:\n    chart: disk_space._\n    warning: { above: 80, clear_below: 75 }\n',
      ),
    ).toEqual([
      'rules.Disk-Space: "Disk-Space" is not a rule id; expected lowercase letters, digits and underscores (it becomes part of alert keys node/rule/instance)',
    ]);
  });

  it('keeps the id the daemon uses for unreachable nodes to itself', () => {
    const problems = problemsOf(
      'rules:\n  netdata_unreachable:\n    chart: system.cpu\n    warning: { above: 80, clear_below: 75 }\n',
    );

    expect(problems).toEqual([
      'rules.netdata_unreachable: the id is reserved for the alert a node raises when Netdata stops answering; choose another id',
    ]);
  });

  it('refuses a rule that is not a map of fields', () => {
    expect(problemsOf('rules:\n  cpu: system.cpu\n')).toEqual([
      'rules.cpu: "system.cpu" is not a rule; expected fields such as chart, dimensions, warning',
    ]);
  });
});

describe('loadConfig problems with files', () => {
  it('reports every mistake in a file together, one per line', () => {
    let error: unknown;
    try {
      loadConfig({ file: path.join(FIXTURES, 'many-mistakes.yaml'), env: {} });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems).toEqual([
      'netdata.urll: unknown key; expected one of url, timeout, nodes, discover_every, unreachable_after',
      'poll.every: "ten" is not a duration; expected e.g. 10s, 5m, 1m30s',
      'http.port: 70000 is not a port; expected an integer from 0 to 65535 (0 picks a free one)',
      'rules.cpu.critical.above: 70 is below warning.above 80; critical must be worse than warning',
      'rules.swap.warning.clear_below: 95 is above the trigger 80; a high-side level clears below its trigger (set clear_below under above)',
      'rules.Disk-Space: "Disk-Space" is not a rule id; expected lowercase letters, digits and underscores (it becomes part of alert keys node/rule/instance)',
    ]);
    expect(message.split('\n')).toEqual(problems);
  });

  it('names the file, line and column of a YAML syntax error', () => {
    const file = path.join(FIXTURES, 'broken-syntax.yaml');

    expect(() => loadConfig({ file, env: {} })).toThrow(
      `${file}:4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    );
  });

  it('names the path of a file that does not exist', () => {
    const file = path.join(FIXTURES, 'no-such-file.yaml');

    expect(() => loadConfig({ file, env: {} })).toThrow(
      `${file}: no such file; check the config file path (--config)`,
    );
  });

  it('keeps the underlying error as the cause', () => {
    const file = path.join(FIXTURES, 'no-such-file.yaml');
    try {
      loadConfig({ file, env: {} });
      throw new Error('loaded a missing file');
    } catch (error) {
      expect((error as ConfigError).cause).toMatchObject({ code: 'ENOENT' });
    }
  });

  it('refuses a file whose top level is not a map of sections', () => {
    const file = path.join(FIXTURES, 'top-level-list.yaml');

    expect(() => loadConfig({ file, env: {} })).toThrow(
      `${file}: the top level is a list; expected sections such as netdata:, slack:, rules:`,
    );
  });
});
