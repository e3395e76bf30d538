import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';

import { runCli } from './harness';

const BOT_TOKEN = 'xoxb-1111-2222-check-config-secret';
const SIGNING_SECRET = 'signing-secret-check-config-9876';

let folder: string;
let files = 0;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'bridge-check-config-'));
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function checkConfig(yaml: string, env: NodeJS.ProcessEnv = {}) {
  files += 1;
  const file = path.join(folder, `config-${files}.yaml`);
  writeFileSync(file, yaml);
  return { ...runCli(['check-config', '--config', file], env), file };
}

describe('netdata-slack-bridge check-config', () => {
  it('exits 2 naming the key, the value and what was expected for a clear level above its trigger', () => {
    const result = checkConfig('rules:\n  cpu:\n    warning: { above: 60, clear_below: 70 }\n');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('rules.cpu.warning.clear_below');
    expect(result.stderr).toContain('70');
    expect(result.stderr).toMatch(/above the trigger 60/);
    expect(result.stdout).toBe('');
  });

  it('exits 2 naming the key and the expected form for a value of the wrong kind', () => {
    const result = checkConfig('poll:\n  every: banana\n');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('poll.every');
    expect(result.stderr).toContain('"banana"');
    expect(result.stderr).toMatch(/expected .*10s/);
  });

  it('exits 2 naming the file and the line for broken YAML', () => {
    const result = checkConfig('rules:\n  cpu: [broken\n');

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${path.basename(result.file)}:3:`);
    expect(result.stderr).toMatch(/invalid YAML/);
  });

  it('exits 0 and prints the effective config as YAML with the Slack secrets masked', () => {
    const result = checkConfig('rules:\n  cpu:\n    warning: { above: 70, clear_below: 65 }\n', {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_CHANNEL: 'C0ALERTS',
    });

    expect(result.status).toBe(0);
    const printed = YAML.parse(result.stdout) as {
      slack: Record<string, unknown>;
      rules: Record<string, { warning: { above: number } }>;
    };
    expect(printed.rules.cpu?.warning.above).toBe(70);
    expect(printed.slack.channel).toBe('C0ALERTS');
    expect(printed.slack.bot_token).toMatch(/^xoxb-.*masked/);
    expect(printed.slack.signing_secret).toMatch(/masked/);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, '1111-2222', 'check-config-9876']) {
      expect(result.stdout).not.toContain(secret);
      expect(result.stderr).not.toContain(secret);
    }
  });
});
