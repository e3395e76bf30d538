import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SqliteAlertStore } from './alerts/sqlite-store';
import type { AlertStore } from './alerts/types';
import { loadConfig } from './config';
import type { BridgeConfig } from './config/types';
import { HttpServer } from './http/server';
import { createLogger, type Logger } from './logging/logger';
import { BridgeMetrics, countAlerts, registerMetricsRoute } from './metrics/metrics';
import { NetdataClient } from './netdata/client';
import { PollCycle } from './poller/cycle';
import { AgentNetdataSource } from './poller/netdata-source';
import { PollScheduler } from './poller/scheduler';
import { applyReload } from './reload';
import { DaemonHealth } from './health-state';
import { startNotifications, type Notifications } from './notifications';

export interface DaemonOptions {
  configFile: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Where log lines go; the console when absent. */
  logStream?: NodeJS.WritableStream;
  clock?: () => number;
}

/** How often ended episodes older than `state.retention` are pruned. */
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** The file holding the daemon's pid, next to its state, for `netdata-slack-bridge reload`. */
export function pidFilePath(statePath: string): string {
  return `${statePath}.pid`;
}

/**
 * The composition root: wires config, Netdata, the store, notifications and HTTP, and owns
 * their lifecycle. Everything that decides anything lives in the modules it wires.
 */
export class Daemon {
  private pruneTimer: NodeJS.Timeout | undefined;

  private constructor(
    private config: BridgeConfig,
    readonly logger: Logger,
    private readonly store: AlertStore,
    private readonly parts: DaemonParts,
    private readonly options: DaemonOptions,
  ) {}

  /**
   * Loads the config (a bad one throws ConfigError before anything starts), opens the store,
   * checks Slack, starts HTTP, runs a first cycle at once and then one every `poll.every`.
   */
  static async start(options: DaemonOptions): Promise<Daemon> {
    const clock = options.clock ?? Date.now;
    const config = loadConfig({ file: options.configFile, env: options.env });
    const logger = createLogger({ ...config.log, stream: options.logStream });
    logger.info('starting', {
      event: 'daemon.starting',
      mode: modeOf(config),
      netdata: config.netdata.url,
      rules: config.rules.filter((rule) => rule.enabled).map((rule) => rule.id),
    });

    const store = SqliteAlertStore.open(config.state.path, { clock, logger });
    const parts = await startParts(config, store, logger, clock).catch((error: unknown) => {
      store.close();
      throw error;
    });

    const daemon = new Daemon(config, logger, store, parts, options);
    daemon.writePidFile();
    await parts.scheduler.tick();
    parts.scheduler.start();
    daemon.startPruning(clock);
    logger.info('started', { event: 'daemon.started', pollEverySeconds: config.poll.everySeconds });
    return daemon;
  }

  /**
   * Re-reads the config file. A valid one takes effect at the next cycle; an invalid one is
   * refused with the same message as at start, and the running config stays.
   */
  reload(): boolean {
    const next = applyReload({
      current: this.config,
      load: () => loadConfig({ file: this.options.configFile, env: this.options.env }),
      store: this.store,
      logger: this.logger,
      now: (this.options.clock ?? Date.now)(),
    });
    if (!next) {
      this.parts.metrics.countReload('refused');
      return false;
    }

    this.config = next;
    this.parts.setConfig(next);
    this.parts.scheduler.reschedule(next.poll.everySeconds);
    this.parts.notifications.sender.kick();
    this.parts.metrics.countReload('ok');
    return true;
  }

  /** Lets the cycle in progress finish, flushes what it queued, then closes everything. */
  async stop(): Promise<void> {
    clearInterval(this.pruneTimer);
    await this.parts.scheduler.stop();
    await this.parts.notifications.stop();
    await this.parts.http.stop();
    this.parts.netdata.close();
    this.store.close();
    rmSync(pidFilePath(this.config.state.path), { force: true });
    this.logger.info('stopped', { event: 'daemon.stopped' });
  }

  private writePidFile(): void {
    const path = pidFilePath(this.config.state.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${process.pid}\n`);
  }

  private startPruning(clock: () => number): void {
    const prune = (): void => {
      const before = clock() - this.config.state.retentionDays * 24 * 60 * 60 * 1000;
      const pruned = this.store.prune(before);
      if (pruned > 0) {
        this.logger.info('pruned old episodes', { event: 'store.pruned', episodes: pruned });
      }
    };
    prune();
    this.pruneTimer = setInterval(prune, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }
}

/** What the daemon runs besides the store, started in an order where each part can fail cleanly. */
interface DaemonParts {
  netdata: NetdataClient;
  http: HttpServer;
  metrics: BridgeMetrics;
  notifications: Notifications;
  scheduler: PollScheduler;
  /** Hands a reloaded config to the cycle. */
  setConfig(next: BridgeConfig): void;
}

async function startParts(
  config: BridgeConfig,
  store: AlertStore,
  logger: Logger,
  clock: () => number,
): Promise<DaemonParts> {
  let current = config;
  const metrics = new BridgeMetrics();
  const health = new DaemonHealth(store);
  const http = new HttpServer({ host: config.http.host, port: config.http.port, logger });
  health.register(http);
  registerMetricsRoute(http, metrics);

  const netdata = new NetdataClient({
    baseUrl: config.netdata.url,
    timeoutMs: config.netdata.timeoutMs,
    logger,
  });
  const source = new AgentNetdataSource(netdata, () => current, logger, clock);
  let notifications: Notifications | undefined;
  try {
    notifications = await startNotifications({
      config,
      store,
      logger,
      clock,
      routes: http,
      metrics,
      health,
      localNode: () => source.localNode(),
    });
    await http.start();
  } catch (error) {
    await notifications?.stop();
    netdata.close();
    throw error;
  }

  const cycle = new PollCycle({
    netdata: source,
    store,
    logger,
    clock,
    observer: {
      netdataRequest: (outcome, seconds) => metrics.countNetdataRequest(outcome, seconds),
    },
  });
  const sender = notifications.sender;
  const scheduler = new PollScheduler({
    everySeconds: config.poll.everySeconds,
    logger,
    runCycle: async () => {
      const started = clock();
      const report = await cycle.run(current);
      const seconds = (clock() - started) / 1000;
      metrics.observeCycle(seconds);
      logger.debug('cycle completed', {
        event: 'cycle.completed',
        seconds,
        nodes: report.nodes,
        requests: report.requests,
        failedRequests: report.failedRequests,
        transitions: report.transitions,
      });
      health.recordCycle(report);
      metrics.setAlertCounts(countAlerts(report.alerts));
      const outbox = store.outboxStats();
      const oldestAge =
        outbox.oldestAt === undefined ? undefined : (clock() - outbox.oldestAt) / 1000;
      metrics.setOutbox(outbox.depth, oldestAge);
      sender.kick();
    },
  });

  const setConfig = (next: BridgeConfig): void => {
    current = next;
  };
  return { netdata, http, metrics, notifications, scheduler, setConfig };
}

function modeOf(config: BridgeConfig): string {
  if (!config.slack.botToken) {
    return 'console';
  }
  return config.slack.appToken ? 'slack-socket-mode' : 'slack-http';
}
