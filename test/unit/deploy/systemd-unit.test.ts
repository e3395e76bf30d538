import { readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');

/** Every `Key=value` of the unit, in order; repeated keys keep every value. */
function unitSettings(): [string, string][] {
  return read('deploy/systemd/netdata-slack-bridge.service')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[A-Za-z]+=/.test(line))
    .map((line) => {
      const at = line.indexOf('=');
      return [line.slice(0, at), line.slice(at + 1)];
    });
}

function values(key: string): string[] {
  return unitSettings()
    .filter(([name]) => name === key)
    .map(([, value]) => value);
}

describe('deploy/systemd/netdata-slack-bridge.service', () => {
  it('keeps the state file inside the directory systemd makes writable', () => {
    const statePath = values('Environment')
      .map((assignment) => /^BRIDGE_STATE_PATH=(.+)$/.exec(assignment)?.[1])
      .find(Boolean);

    expect(values('StateDirectory')).toEqual(['netdata-slack-bridge']);
    expect(posix.dirname(statePath ?? '')).toBe('/var/lib/netdata-slack-bridge');
  });

  it('starts the CLI from the directory the install steps build into, with the config file', () => {
    const [execStart = ''] = values('ExecStart');
    const readme = read('deploy/systemd/README.md');

    expect(execStart).toBe(
      '/usr/bin/env node /opt/netdata-slack-bridge/dist/cli.js run --config /etc/netdata-slack-bridge/config.yaml',
    );
    expect(readme).toContain('cd /opt/netdata-slack-bridge');
    expect(readme).toContain('/etc/netdata-slack-bridge/config.yaml');
    expect(values('ConfigurationDirectory')).toEqual(['netdata-slack-bridge']);
  });

  it('reloads with SIGHUP and reads secrets from an optional root-only env file', () => {
    expect(values('ExecReload')).toEqual(['/bin/kill -HUP $MAINPID']);
    expect(values('EnvironmentFile')).toEqual(['-/etc/netdata-slack-bridge/env']);
    expect(values('Restart')).toEqual(['on-failure']);
  });

  it('is hardened without the settings that break Node', () => {
    const settings = new Map(unitSettings());

    expect(settings.get('DynamicUser')).toBe('yes');
    expect(settings.get('ProtectSystem')).toBe('strict');
    expect(settings.get('ProtectHome')).toBe('yes');
    expect(settings.get('PrivateTmp')).toBe('yes');
    expect(settings.get('NoNewPrivileges')).toBe('yes');
    // V8's JIT needs writable-then-executable memory.
    expect(settings.has('MemoryDenyWriteExecute')).toBe(false);
  });

  it('waits for the network and for Netdata without depending on it', () => {
    expect(values('After').join(' ')).toMatch(/network-online\.target.*netdata\.service/);
    expect(values('Wants')).toEqual(
      expect.arrayContaining(['network-online.target', 'netdata.service']),
    );
    expect(values('Requires')).toEqual([]);
  });
});

describe('.env.example', () => {
  const VARIABLES = [
    'NETDATA_URL',
    'NETDATA_DASHBOARD_URL',
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_APP_TOKEN',
    'SLACK_CHANNEL',
    'SLACK_API_URL',
    'BRIDGE_HTTP_HOST',
    'BRIDGE_HTTP_PORT',
    'BRIDGE_STATE_PATH',
    'LOG_LEVEL',
    'LOG_FORMAT',
  ];
  const lines = read('.env.example').split('\n');

  it.each(VARIABLES)('lists %s once, right after a line explaining it', (name) => {
    const at = lines.findIndex((line) => new RegExp(`^(# )?${name}=`).test(line));

    expect(at).toBeGreaterThan(0);
    expect(lines[at - 1]).toMatch(/^# \S/);
    expect(lines[at - 1]).not.toMatch(/^(# )?[A-Z_]+=/);
    expect(lines.filter((line) => new RegExp(`^(# )?${name}=`).test(line))).toHaveLength(1);
  });

  it('holds placeholders only, never values shaped like real Slack tokens', () => {
    const text = read('.env.example');

    expect(text).not.toMatch(/xox[abpr]-\d+-/);
    expect(text).not.toMatch(/xapp-\d-/);
    expect(text).toContain('SLACK_BOT_TOKEN=xoxb-your-bot-token');
  });
});
