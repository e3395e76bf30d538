#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from './config/errors';
import { describeConfig, loadConfig } from './config';
import { Daemon, pidFilePath } from './daemon';

const USAGE = `Usage: netdata-slack-bridge <command> [--config FILE]

Commands:
  run            poll Netdata and raise alerts (Slack, or the console without a bot token)
  check-config   validate the config and print it with secrets masked; exit 2 when invalid
  reload         ask the running daemon to re-read its config (sends it SIGHUP)

Options:
  --config FILE  a YAML file merged over config/default.yaml (default: none)
  --help         show this help`;

/** Exit codes: 0 fine, 1 failed at run time, 2 bad config or usage. */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0] ?? 'run';
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const file = values.config;
  switch (command) {
    case 'run':
      return run(file);
    case 'check-config':
      return checkConfig(file);
    case 'reload':
      return reload(file);
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function run(file: string | undefined): Promise<number> {
  // Signals are taken from the first moment: a reload or stop asked for while the daemon is
  // still starting waits for the start to finish, instead of ending the process half-started
  // (which would leave its pid file behind).
  let daemon: Daemon | undefined = undefined;
  let reloadAsked = false;
  let stopAsked: string | undefined;
  let stopNow: (signal: string) => void = (signal) => {
    stopAsked = signal;
  };
  process.on('SIGHUP', () => {
    reloadAsked = daemon === undefined;
    daemon?.reload();
  });
  process.once('SIGTERM', () => stopNow('SIGTERM'));
  process.once('SIGINT', () => stopNow('SIGINT'));

  daemon = await Daemon.start({ configFile: file, env: process.env });
  const running = daemon;
  // Every I/O edge turns its failures into values; should one slip through, it is logged
  // rather than allowed to stop the alerting of every other node.
  process.on('unhandledRejection', (reason) => {
    running.logger.error('unhandled rejection', {
      event: 'daemon.unhandled_rejection',
      error: String(reason),
    });
  });

  await new Promise<void>((resolve) => {
    stopNow = (signal) => {
      running.logger.info('stopping', { event: 'daemon.stopping', signal });
      void running.stop().then(resolve);
    };
    if (stopAsked !== undefined) {
      stopNow(stopAsked);
    } else if (reloadAsked) {
      running.reload();
    }
  });
  return 0;
}

function checkConfig(file: string | undefined): number {
  const config = loadConfig({ file, env: process.env });
  console.log(describeConfig(config));
  console.error(
    `config is valid (${config.rules.filter((rule) => rule.enabled).length} rules enabled)`,
  );
  return 0;
}

function reload(file: string | undefined): number {
  const config = loadConfig({ file, env: process.env });
  const pidFile = pidFilePath(config.state.path);
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    console.error(
      `no running daemon found: ${pidFile} is missing; is the bridge running with this state.path?`,
    );
    return 1;
  }
  try {
    process.kill(pid, 'SIGHUP');
  } catch {
    console.error(
      `no running daemon found: ${pidFile} names process ${pid}, which is not running; ` +
        'is the bridge running with this state.path?',
    );
    return 1;
  }
  console.error(`asked process ${pid} to reload its config; its log says whether it took`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(`invalid config:\n${error.message}`);
      process.exitCode = 2;
      return;
    }
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
