import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { posix, resolve } from 'node:path';
import { parse } from 'yaml';

const ROOT = resolve(__dirname, '../../..');
const read = (path: string): string => readFileSync(resolve(ROOT, path), 'utf8');

/** Where the Dockerfile puts the application inside the image. */
const IMAGE_APP_DIR = '/opt/netdata-slack-bridge/';

interface ComposeService {
  image?: string;
  pid?: string;
  cap_add?: string[];
  security_opt?: string[];
  env_file?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, unknown>;
  healthcheck?: { test?: string[] };
}

interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

function compose(): ComposeFile {
  return parse(read('deploy/docker/compose.yaml')) as ComposeFile;
}

function bridgeService(): ComposeService {
  const bridge = compose().services.bridge;
  if (!bridge) {
    throw new Error('compose.yaml has no bridge service');
  }
  return bridge;
}

/** Dockerfile instructions with line continuations joined, in order. */
function dockerfileInstructions(): { keyword: string; args: string }[] {
  return read('deploy/docker/Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The image's value of an ENV variable, from `ENV A=1 B=2` instructions. */
function dockerfileEnv(name: string): string | undefined {
  const env = dockerfileInstructions().filter((instruction) => instruction.keyword === 'ENV');
  for (const { args } of env) {
    const match = new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(args);
    if (match) {
      return match[1];
    }
  }
  return undefined;
}

/** The file the Dockerfile's HEALTHCHECK runs with node, as a path in the repository. */
function healthcheckScript(): string {
  const healthcheck = dockerfileInstructions().find((entry) => entry.keyword === 'HEALTHCHECK');
  const exec = /CMD (\[.*\])/.exec(healthcheck?.args ?? '');
  const command = JSON.parse(exec?.[1] ?? '[]') as string[];
  expect(command[0]).toBe('node');
  expect(command).toHaveLength(2);
  const inImage = command[1] ?? '';
  expect(inImage.startsWith(IMAGE_APP_DIR)).toBe(true);
  return inImage.slice(IMAGE_APP_DIR.length);
}

function runHealthcheck(port: number): Promise<number> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [resolve(ROOT, healthcheckScript())], {
      env: { ...process.env, BRIDGE_HTTP_PORT: String(port) },
    });
    child.on('exit', (code) => done(code ?? -1));
  });
}

function serveHealthz(status: number): Promise<Server> {
  const server = createServer((request, response) => {
    response.writeHead(request.url === '/healthz' ? status : 404).end();
  });
  return new Promise((ready) => server.listen(0, '127.0.0.1', () => ready(server)));
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

function close(server: Server): Promise<void> {
  return new Promise((done) => server.close(() => done()));
}

describe('deploy/docker/compose.yaml', () => {
  it('points the bridge at the netdata service by its compose name', () => {
    const file = compose();
    const url = new URL(bridgeService().environment?.NETDATA_URL ?? '');

    expect(Object.keys(file.services)).toContain(url.hostname);
    expect(url.port).toBe('19999');
    expect(bridgeService().depends_on).toHaveProperty(url.hostname);
  });

  it('mounts a named state volume at the directory BRIDGE_STATE_PATH names', () => {
    const file = compose();
    const statePath = bridgeService().environment?.BRIDGE_STATE_PATH ?? '';
    const mounts = (bridgeService().volumes ?? []).map((volume) => volume.split(':'));

    const stateMount = mounts.find(([, target]) => target === posix.dirname(statePath));

    expect(stateMount).toBeDefined();
    expect(Object.keys(file.volumes)).toContain(stateMount?.[0]);
    expect(statePath).toBe(dockerfileEnv('BRIDGE_STATE_PATH'));
  });

  it('gives the bridge a healthcheck that runs the same script as the image', () => {
    const test = bridgeService().healthcheck?.test ?? [];

    expect(test.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(test[2]).toBe(IMAGE_APP_DIR + healthcheckScript());
  });

  it('reads Slack secrets from an env file rather than inline values', () => {
    const environment = bridgeService().environment ?? {};

    expect(bridgeService().env_file).toEqual(['.env']);
    expect(Object.keys(environment).filter((name) => name.startsWith('SLACK_'))).toEqual([]);
  });

  it('runs the official Netdata image with what it needs to see the host', () => {
    const netdata = compose().services.netdata;

    expect(netdata?.image).toMatch(/^netdata\/netdata(:|$)/);
    expect(netdata?.pid).toBe('host');
    expect(netdata?.cap_add).toEqual(expect.arrayContaining(['SYS_PTRACE', 'SYS_ADMIN']));
    expect(netdata?.security_opt).toContain('apparmor:unconfined');
    expect(netdata?.volumes).toEqual(
      expect.arrayContaining([
        '/proc:/host/proc:ro',
        '/sys:/host/sys:ro',
        '/etc/os-release:/host/etc/os-release:ro',
      ]),
    );
  });
});

describe('deploy/docker/Dockerfile', () => {
  it('declares the state directory as a volume and runs as a non-root user', () => {
    const instructions = dockerfileInstructions();
    const statePath = dockerfileEnv('BRIDGE_STATE_PATH') ?? '';

    const volume = instructions.find((entry) => entry.keyword === 'VOLUME');
    const user = instructions.filter((entry) => entry.keyword === 'USER').pop();

    expect(JSON.parse(volume?.args ?? '[]')).toEqual([posix.dirname(statePath)]);
    expect(user?.args).toBeDefined();
    expect(['root', '0']).not.toContain(user?.args);
  });

  it('copies only files that exist and that .dockerignore lets through', () => {
    const allowed = read('.dockerignore')
      .split('\n')
      .filter((line) => line.startsWith('!'))
      .map((line) => line.slice(1));
    const sources = dockerfileInstructions()
      .filter((entry) => entry.keyword === 'COPY' && !entry.args.startsWith('--from'))
      .flatMap((entry) => entry.args.split(/\s+/).slice(0, -1));

    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect({ source, exists: existsSync(resolve(ROOT, source)) }).toEqual({
        source,
        exists: true,
      });
      expect(allowed).toContain(source);
    }
  });
});

describe('the Docker health check script', () => {
  it('exits 0 when /healthz answers 200', async () => {
    const server = await serveHealthz(200);

    try {
      await expect(runHealthcheck(portOf(server))).resolves.toBe(0);
    } finally {
      await close(server);
    }
  });

  it('exits non-zero when /healthz answers 503', async () => {
    const server = await serveHealthz(503);

    try {
      await expect(runHealthcheck(portOf(server))).resolves.not.toBe(0);
    } finally {
      await close(server);
    }
  });

  it('exits non-zero when nothing listens on the port', async () => {
    const server = await serveHealthz(200);
    const port = portOf(server);
    await close(server);

    await expect(runHealthcheck(port)).resolves.not.toBe(0);
  });
});
