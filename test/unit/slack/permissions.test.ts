import { createSilentLogger } from '../../../src/logging/logger';
import { createPermissions, type ListGroupMembers } from '../../../src/slack/permissions';

function setup(allowedUsers: string[], groups: Record<string, string[] | Error> = {}) {
  let now = 1_700_000_000_000;
  const lookups: string[] = [];
  const listGroupMembers: ListGroupMembers = async (groupId) => {
    lookups.push(groupId);
    const members = groups[groupId];
    if (members instanceof Error) throw members;
    return members ?? [];
  };
  const permissions = createPermissions({
    allowedUsers,
    listGroupMembers,
    logger: createSilentLogger(),
    clock: () => now,
    cacheMs: 60_000,
  });
  return {
    permissions,
    lookups,
    groups,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('createPermissions', () => {
  it('allows anyone when the allow list is empty', async () => {
    const { permissions, lookups } = setup([]);

    await expect(permissions.isAllowed('U0ANYONE')).resolves.toBe(true);
    expect(lookups).toEqual([]);
  });

  it('allows listed user ids and refuses others', async () => {
    const { permissions } = setup(['U0ALICE', 'W0BOB']);

    await expect(permissions.isAllowed('U0ALICE')).resolves.toBe(true);
    await expect(permissions.isAllowed('W0BOB')).resolves.toBe(true);
    await expect(permissions.isAllowed('U0MALLORY')).resolves.toBe(false);
  });

  it('allows members of a listed user group', async () => {
    const { permissions } = setup(['S0ONCALL'], { S0ONCALL: ['U0CAROL'] });

    await expect(permissions.isAllowed('U0CAROL')).resolves.toBe(true);
    await expect(permissions.isAllowed('U0DAVE')).resolves.toBe(false);
  });

  it('asks Slack for a group once while the cache is fresh, again after it expires', async () => {
    const { permissions, lookups, groups, advance } = setup(['S0ONCALL'], {
      S0ONCALL: ['U0CAROL'],
    });

    await permissions.isAllowed('U0CAROL');
    advance(59_000);
    await permissions.isAllowed('U0DAVE');
    expect(lookups).toEqual(['S0ONCALL']);

    groups.S0ONCALL = ['U0DAVE'];
    advance(2_000);

    await expect(permissions.isAllowed('U0DAVE')).resolves.toBe(true);
    expect(lookups).toEqual(['S0ONCALL', 'S0ONCALL']);
  });

  it('keeps the last known members when a refresh fails', async () => {
    const { permissions, groups, advance } = setup(['S0ONCALL'], { S0ONCALL: ['U0CAROL'] });
    await permissions.isAllowed('U0CAROL');

    groups.S0ONCALL = new Error('ratelimited');
    advance(120_000);

    await expect(permissions.isAllowed('U0CAROL')).resolves.toBe(true);
  });

  it('allows nobody through a group that could never be fetched', async () => {
    const { permissions } = setup(['S0ONCALL'], { S0ONCALL: new Error('missing_scope') });

    await expect(permissions.isAllowed('U0CAROL')).resolves.toBe(false);
  });
});
