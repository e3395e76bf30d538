import type { AlertStore } from './alerts/types';
import { ConfigError } from './config/errors';
import type { BridgeConfig } from './config/types';
import type { Logger } from './logging/logger';
import { UNREACHABLE_RULE } from './poller/evaluate-cycle';
import { cronExpressionFor } from './poller/scheduler';

export interface ReloadRequest {
  current: BridgeConfig;
  /** Loads and validates the file again; throws ConfigError when it is invalid. */
  load: () => BridgeConfig;
  store: AlertStore;
  logger: Logger;
  now: number;
}

/** Settings read once at start; a reload that changes them says they wait for a restart. */
const RESTART_ONLY: readonly (keyof BridgeConfig)[] = ['slack', 'http', 'state', 'log'];

/**
 * Applies a config reload. Returns the new config, or undefined when the file is refused, in
 * which case the running config stays. Alerts whose rule is gone (or switched off) are closed,
 * so their Slack message says why instead of staying red forever.
 */
export function applyReload(request: ReloadRequest): BridgeConfig | undefined {
  const { current, store, logger, now } = request;
  let next: BridgeConfig;
  try {
    next = request.load();
    cronExpressionFor(next.poll.everySeconds);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.error(`config reload refused; the running config stays:\n${message}`, {
      event: 'config.reload_refused',
      invalid: error instanceof ConfigError || error instanceof RangeError,
    });
    return undefined;
  }

  const active = new Set(next.rules.filter((rule) => rule.enabled).map((rule) => rule.id));
  for (const alert of store.listAlerts()) {
    const rule = alert.identity.rule;
    if (rule === UNREACHABLE_RULE || active.has(rule)) {
      continue;
    }
    const episode = store.closeForRemovedRule(alert.identity.key, now);
    logger.info('rule removed from the config; alert closed', {
      event: 'alert.rule_removed',
      key: alert.identity.key,
      rule,
      episode: episode?.id,
    });
  }

  const waiting = RESTART_ONLY.filter(
    (section) => JSON.stringify(current[section]) !== JSON.stringify(next[section]),
  );
  if (waiting.length > 0) {
    logger.warn('some changed settings take effect only after a restart', {
      event: 'config.restart_needed',
      sections: waiting,
    });
  }

  const applied: BridgeConfig = { ...next };
  for (const section of RESTART_ONLY) {
    Object.assign(applied, { [section]: current[section] });
  }

  logger.info('config reloaded', {
    event: 'config.reloaded',
    rules: [...active],
    pollEverySeconds: next.poll.everySeconds,
  });
  return applied;
}
