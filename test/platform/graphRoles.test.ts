import type { RunningEmulator } from '../../src/emulator';
import { SEED_GROUPS, SEED_USERS } from '../../src/emulator/graph/graphDirectory';
import { Roles } from '../../src/bot/roles/roles';
import { EmulatorCredential } from '../../src/platform/http/credentials';
import { createGraphDirectoryClient } from '../../src/platform/graph/graphDirectoryClient';
import { control, startTestEmulator, TOKEN, type TestBody } from '../emulator/emulatorTestKit';

// Roles from Entra groups, over real HTTP: the bot's Graph client against the emulator's Graph part
// (users, nested groups, an outage switch). The seed: "Dual-write approvers" holds the group
// "Finance approvers", which holds Priya; "Dual-write admins" holds Alex.

let emulator: RunningEmulator;
const [alex, priya, megan] = SEED_USERS;
const [adminsGroup, approversGroup, financeApprovers] = SEED_GROUPS;
const actor = (user: { id: string; displayName: string }) => ({ id: user.id, name: user.displayName });

const directory = () =>
  createGraphDirectoryClient({ baseUrl: `${emulator.url}/graph`, credential: new EmulatorCredential() });

async function graphRequests(): Promise<number> {
  return ((await control(emulator, 'GET', 'graph')).body as TestBody).requests;
}

beforeAll(async () => {
  emulator = await startTestEmulator();
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(async () => {
  await control(emulator, 'DELETE', 'graph');
});

describe('roles from Entra groups', () => {
  it('a user in a nested group is an approver; a user outside it is not', async () => {
    const roles = new Roles({ admins: [], approvers: [approversGroup.id], fourEyes: true }, directory());
    expect(await roles.mayDecide(actor(priya), actor(alex))).toEqual({ allowed: true });
    const refused = await roles.mayDecide(actor(megan), actor(alex));
    expect(refused).toEqual({
      allowed: false,
      reason: 'Megan Bowen is not an approver for dual-write setups; an approver must decide.',
    });
  });

  it('four eyes still apply to an approver through a group', async () => {
    const roles = new Roles({ admins: [], approvers: [adminsGroup.id], fourEyes: true }, directory());
    const refused = await roles.mayDecide(actor(alex), actor(alex));
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).toMatch(/^Four eyes: Alex Admin requested this setup/);
  });

  it('admins may be a group and a user id side by side', async () => {
    const roles = new Roles(
      { admins: [adminsGroup.id, megan.id], approvers: [], fourEyes: true },
      directory(),
    );
    expect(await roles.mayStart(actor(alex))).toEqual({ allowed: true });
    expect(await roles.mayStart(actor(megan))).toEqual({ allowed: true });
    expect((await roles.mayStart(actor(priya))).allowed).toBe(false);
  });

  it('a Graph outage refuses, never grants, and says why', async () => {
    const roles = new Roles({ admins: [], approvers: [approversGroup.id], fourEyes: true }, directory());
    await control(emulator, 'PUT', 'graph', { outage: { status: 503, retryAfterSeconds: 1 } });
    const refused = await roles.mayDecide(actor(priya), actor(alex));
    expect(refused.allowed).toBe(false);
    expect(!refused.allowed && refused.reason).toMatch(
      /^Could not check whether Priya Approver is an approver, so nothing was decided: Microsoft Graph getByIds failed \(HTTP 503\): The service is not available\. Try again in a minute/,
    );
    // The outage ends: the same click goes through (a failure is not cached).
    await control(emulator, 'PUT', 'graph', { outage: null });
    expect(await roles.mayDecide(actor(priya), actor(alex))).toEqual({ allowed: true });
  });

  it('a membership check that fails after the group lookup refuses too', async () => {
    const roles = new Roles({ admins: [adminsGroup.id], approvers: [], fourEyes: true }, directory());
    expect(await roles.mayStart(actor(megan))).toMatchObject({ allowed: false }); // groups now cached
    await control(emulator, 'PUT', 'graph', { outage: { status: 429, retryAfterSeconds: 3 } });
    const refused = await roles.mayStart(actor(priya));
    expect(!refused.allowed && refused.reason).toMatch(
      /^Could not check whether Priya Approver is a dual-write admin, so nothing was done: Microsoft Graph checkMemberGroups failed \(HTTP 429\)/,
    );
  });

  it('a user listed by id needs no Graph call, even in an outage', async () => {
    const roles = new Roles({ admins: [alex.id], approvers: [], fourEyes: true }, directory());
    await control(emulator, 'PUT', 'graph', { outage: { status: 503, retryAfterSeconds: 1 } });
    const before = await graphRequests();
    expect(await roles.mayStart(actor(alex))).toEqual({ allowed: true });
    expect(await graphRequests()).toBe(before);
  });

  it('caches a membership answer briefly, then asks again', async () => {
    let now = 1_000_000;
    const roles = new Roles({ admins: [], approvers: [approversGroup.id], fourEyes: true }, directory(), {
      membershipTtlMs: 60_000,
      now: () => now,
    });
    expect(await roles.mayDecide(actor(priya), actor(alex))).toEqual({ allowed: true });
    const afterFirst = await graphRequests();
    now += 30_000;
    expect(await roles.mayDecide(actor(priya), actor(alex))).toEqual({ allowed: true });
    expect(await graphRequests()).toBe(afterFirst);
    // Priya leaves the group; after the cache expires she is no longer an approver.
    await control(emulator, 'PUT', 'graph', { groups: [{ ...financeApprovers, members: [] }] });
    now += 31_000;
    expect((await roles.mayDecide(actor(priya), actor(alex))).allowed).toBe(false);
    expect(await graphRequests()).toBe(afterFirst + 1);
  });

  it('lists the approvers by name, nested groups included', async () => {
    const roles = new Roles(
      { admins: [], approvers: [approversGroup.id, megan.id], fourEyes: true },
      directory(),
    );
    const list = await roles.approvers();
    expect(list.anyone).toBe(false);
    expect(list.people.map((p) => p.displayName).sort()).toEqual(['Megan Bowen', 'Priya Approver']);
  });

  it('Teams user ids that are not Entra object ids are never looked up', async () => {
    const roles = new Roles({ admins: [adminsGroup.id], approvers: [], fourEyes: true }, directory());
    const before = await graphRequests();
    expect((await roles.mayStart({ id: '29:someone', name: 'Someone' })).allowed).toBe(false);
    expect(await graphRequests()).toBe(before);
  });
});

describe("the emulator's Graph part", () => {
  const post = (path: string, body: unknown) =>
    fetch(`${emulator.url}/graph/v1.0${path}`, {
      method: 'POST',
      headers: { ...TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers checkMemberGroups with the documented shape, transitively', async () => {
    const response = await post(`/users/${priya.id}/checkMemberGroups`, {
      groupIds: [approversGroup.id, adminsGroup.id, financeApprovers.id],
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as TestBody;
    expect(body['@odata.context']).toBe('https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)');
    expect(body.value).toEqual([approversGroup.id, financeApprovers.id]);
  });

  it('refuses more than 20 group ids and a malformed id (the whole request fails)', async () => {
    const many = Array.from(
      { length: 21 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    const tooMany = await post(`/users/${priya.id}/checkMemberGroups`, { groupIds: many });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as TestBody).error.code).toBe('invalidRequest');
    const malformed = await post(`/users/${priya.id}/checkMemberGroups`, {
      groupIds: [approversGroup.id, 'x'],
    });
    expect(malformed.status).toBe(400);
  });

  it('the client splits more than 20 groups into batches', async () => {
    const extra = Array.from(
      { length: 24 },
      (_, i) => `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    );
    const before = await graphRequests();
    const groups = await directory().memberGroups(priya.id, [...extra, approversGroup.id]);
    expect(groups).toEqual([approversGroup.id]);
    expect((await graphRequests()) - before).toBe(2);
  });

  it('needs a bearer token, and the user cast needs ConsistencyLevel: eventual with $count', async () => {
    const anonymous = await fetch(`${emulator.url}/graph/v1.0/groups/${approversGroup.id}/transitiveMembers`);
    expect(anonymous.status).toBe(401);
    const withoutHeader = await fetch(
      `${emulator.url}/graph/v1.0/groups/${approversGroup.id}/transitiveMembers/microsoft.graph.user`,
      { headers: TOKEN },
    );
    expect(withoutHeader.status).toBe(400);
    const all = await fetch(`${emulator.url}/graph/v1.0/groups/${approversGroup.id}/transitiveMembers`, {
      headers: TOKEN,
    });
    const body = (await all.json()) as TestBody;
    expect(body.value.map((o: TestBody) => [o['@odata.type'], o.displayName])).toEqual([
      ['#microsoft.graph.user', 'Priya Approver'],
      ['#microsoft.graph.group', 'Finance approvers'],
    ]);
  });

  it('getByIds returns only the requested types', async () => {
    const response = await post('/directoryObjects/getByIds', {
      ids: [priya.id, approversGroup.id],
      types: ['group'],
    });
    const body = (await response.json()) as TestBody;
    expect(body.value).toEqual([
      { '@odata.type': '#microsoft.graph.group', id: approversGroup.id, displayName: 'Dual-write approvers' },
    ]);
  });
});

describe("Graph's paging", () => {
  /** 1,050 people in one group: 999 direct (the documented $top maximum) plus a nested group of 51. */
  const numbered = (n: number) => ({
    id: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    displayName: `Person ${n}`,
    userPrincipalName: `person${n}@contoso.example`,
  });
  const big = '00000000-0000-4000-a000-000000000001';
  const nested = '00000000-0000-4000-a000-000000000002';

  it('reads the second page of a large group through its absolute nextLink', async () => {
    const people = Array.from({ length: 1050 }, (_, i) => numbered(i));
    // In parts: the control API takes JSON bodies up to express's 100 kB.
    for (let i = 0; i < people.length; i += 350) {
      expect((await control(emulator, 'PUT', 'graph', { users: people.slice(i, i + 350) })).status).toBe(200);
    }
    await control(emulator, 'PUT', 'graph', {
      groups: [
        { id: nested, displayName: 'Nested', members: people.slice(999).map((p) => p.id) },
        { id: big, displayName: 'Big', members: [...people.slice(0, 999).map((p) => p.id), nested] },
      ],
    });
    const first = await fetch(
      `${emulator.url}/graph/v1.0/groups/${big}/transitiveMembers/microsoft.graph.user?$count=true&$top=999`,
      { headers: { ...TOKEN, ConsistencyLevel: 'eventual' } },
    );
    const page = (await first.json()) as TestBody;
    expect(page.value).toHaveLength(999);
    expect(page['@odata.count']).toBe(1050);
    expect(page['@odata.nextLink']).toMatch(
      new RegExp(
        `^${emulator.url}/graph/v1\\.0/groups/${big}/transitiveMembers/microsoft\\.graph\\.user\\?.*\\$skiptoken=`,
      ),
    );

    const members = await directory().transitiveUsers(big, 2000);
    expect(members).toHaveLength(1050);
    expect(new Set(members.map((m) => m.id))).toEqual(new Set(people.map((p) => p.id)));
  });
});
