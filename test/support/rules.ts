import type { Rule } from '../../src/rules/types';

/**
 * The cpu rule as `config/default.yaml` defines it once normalised: warning above 80 (clear
 * below 75), critical above 90 (clear below 85), over a 60 s window, held 30 s either way.
 * Config tests compare against it as is, so change it only with the default config; tests that
 * need other timings spread it and override what they need.
 */
export const DEFAULT_CPU_RULE: Readonly<Rule> = {
  id: 'cpu',
  title: 'CPU utilization',
  charts: ['system.cpu'],
  dimensions: ['user', 'system', 'softirq', 'irq', 'guest'],
  percentOf: undefined,
  windowSeconds: 60,
  absolute: false,
  units: '%',
  warning: { direction: 'high', trigger: 80, clear: 75 },
  critical: { direction: 'high', trigger: 90, clear: 85 },
  forSeconds: 30,
  clearForSeconds: 30,
  enabled: true,
};
