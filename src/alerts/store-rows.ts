import type { AlertState, Severity } from '../rules/types';
import { initialState, SEVERITIES } from '../rules/types';
import type { Episode, StoredAlert, TimelineEntry, TimelineEvent } from './types';

/** Row shapes as SQLite returns them; the mapping below is the only place that reads them. */
export interface AlertRow {
  key: string;
  node: string;
  rule: string;
  instance: string;
  state: string;
  recent_values: string;
  episode_id: string | null;
  updated_at: number;
}

export interface EpisodeRow {
  id: string;
  key: string;
  node: string;
  rule: string;
  instance: string;
  rule_title: string;
  units: string;
  started_at: number;
  ended_at: number | null;
  severity: string;
  peak_severity: string;
  last_value: number | null;
  threshold: number | null;
  ack_user: string | null;
  ack_at: number | null;
  slack_channel: string | null;
  slack_ts: string | null;
  /** Schema 2; null in rows written before it. */
  post_attempted_at: number | null;
}

export interface TimelineRow {
  seq: number;
  at: number;
  kind: string;
  payload: string;
  posted: number;
}

/** One episode's waiting outbox entries, grouped by the due-deliveries query. */
export interface PendingRow {
  episode_id: string;
  ids: string;
  attempts: number;
  oldest_at: number;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asSeverity(value: unknown): Severity {
  return SEVERITIES.includes(value as Severity) ? (value as Severity) : 'clear';
}

function optional<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

/**
 * A state that does not parse (hand-edited or damaged row) restarts from clear rather than
 * stopping the daemon; the next transition then opens a fresh episode.
 */
function toAlertState(text: string, fallbackAt: number): AlertState {
  const parsed = parseJson(text) as Partial<AlertState> | undefined;
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
    return initialState(fallbackAt);
  }

  const base = initialState(typeof parsed.since === 'number' ? parsed.since : fallbackAt);
  return {
    ...base,
    ...parsed,
    severity: asSeverity(parsed.severity),
    heldSince: { ...base.heldSince, ...(parsed.heldSince ?? {}) },
  };
}

function toRecentValues(text: string): number[] {
  const parsed = parseJson(text);
  return Array.isArray(parsed) ? parsed.filter((item) => typeof item === 'number') : [];
}

export function toStoredAlert(row: AlertRow): StoredAlert {
  return {
    identity: { key: row.key, node: row.node, rule: row.rule, instance: row.instance },
    state: toAlertState(row.state, row.updated_at),
    recentValues: toRecentValues(row.recent_values),
    episodeId: optional(row.episode_id),
  };
}

/** JSON never holds `undefined`; absent fields come back as undefined through the spread. */
export function toTimelineEntry(row: TimelineRow): TimelineEntry {
  const payload = (parseJson(row.payload) ?? {}) as Record<string, unknown>;
  const event = { ...payload, kind: row.kind } as TimelineEvent;
  if (event.kind === 'transition') {
    event.threshold = typeof payload.threshold === 'number' ? payload.threshold : undefined;
  }

  return { ...event, seq: row.seq, at: row.at, posted: row.posted !== 0 };
}

/** The payload column: the event without its kind, which has its own column. */
export function timelinePayload(event: TimelineEvent): string {
  const payload: Record<string, unknown> = { ...event };
  delete payload.kind;
  return JSON.stringify(payload);
}

export function toEpisode(row: EpisodeRow, timeline: TimelineRow[]): Episode {
  return {
    id: row.id,
    identity: { key: row.key, node: row.node, rule: row.rule, instance: row.instance },
    ruleTitle: row.rule_title,
    units: row.units,
    startedAt: row.started_at,
    endedAt: optional(row.ended_at),
    severity: asSeverity(row.severity),
    peakSeverity: asSeverity(row.peak_severity),
    lastValue: optional(row.last_value),
    threshold: optional(row.threshold),
    acknowledgement:
      row.ack_user === null ? undefined : { user: row.ack_user, at: row.ack_at ?? row.started_at },
    message:
      row.slack_channel === null || row.slack_ts === null
        ? undefined
        : { channel: row.slack_channel, ts: row.slack_ts },
    postAttemptedAt: optional(row.post_attempted_at),
    timeline: timeline.map(toTimelineEntry),
  };
}
