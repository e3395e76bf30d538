import type { Logger } from '../logging/logger';

/** How long a user group's member list is trusted before Slack is asked again. */
export const GROUP_CACHE_MS = 5 * 60 * 1000;

/** Fetches the user ids in one user group (`usergroups.users.list`). */
export type ListGroupMembers = (groupId: string) => Promise<string[]>;

export interface PermissionsOptions {
  /** `slack.allowedUsers`: user ids (`U…`, `W…`) and user group ids (`S…`); empty means anyone. */
  allowedUsers: string[];
  listGroupMembers: ListGroupMembers;
  logger: Logger;
  clock: () => number;
  cacheMs?: number;
}

/** Decides who may acknowledge an alert. */
export interface Permissions {
  isAllowed(userId: string): Promise<boolean>;
}

interface CachedGroup {
  members: Set<string>;
  fetchedAt: number;
}

/**
 * Builds the allow-list check. Listed users are allowed directly; for user groups the member
 * list is fetched and cached for `cacheMs`. When a refresh fails the last known members are
 * used, and a group never fetched successfully allows nobody: a Slack outage must not open
 * acknowledgement to everyone.
 */
export function createPermissions(options: PermissionsOptions): Permissions {
  const users = new Set(options.allowedUsers.filter((id) => !isGroupId(id)));
  const groups = options.allowedUsers.filter(isGroupId);
  const cacheMs = options.cacheMs ?? GROUP_CACHE_MS;
  const cache = new Map<string, CachedGroup>();

  async function members(groupId: string): Promise<Set<string>> {
    const now = options.clock();
    const cached = cache.get(groupId);
    if (cached && now - cached.fetchedAt < cacheMs) {
      return cached.members;
    }

    try {
      const fetched = new Set(await options.listGroupMembers(groupId));
      cache.set(groupId, { members: fetched, fetchedAt: now });
      return fetched;
    } catch (error) {
      options.logger.warn('could not list user group members', {
        event: 'slack.usergroup_lookup_failed',
        group: groupId,
        usingCached: cached !== undefined,
        error: error instanceof Error ? error.message : String(error),
      });
      return cached?.members ?? new Set();
    }
  }

  return {
    async isAllowed(userId: string): Promise<boolean> {
      if (options.allowedUsers.length === 0 || users.has(userId)) {
        return true;
      }

      for (const groupId of groups) {
        if ((await members(groupId)).has(userId)) {
          return true;
        }
      }
      return false;
    },
  };
}

function isGroupId(id: string): boolean {
  return id.startsWith('S');
}
