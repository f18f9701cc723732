import { z } from 'zod';

// The emulated Entra directory behind the emulator's Microsoft Graph part: users, security groups
// whose members may be users or other groups (nesting), and a switch that makes Graph answer as in
// an outage. Kept in memory: it is seed data the control API can extend, not state a run creates.
// Shapes and rules: docs/emulator-graph.md (Microsoft Graph v1.0 reference pages cited there).

export interface DirectoryUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

export interface DirectoryGroup {
  id: string;
  displayName: string;
  /** Object ids of direct members: users or groups. */
  members: string[];
}

/** How Graph answers while the outage is on (documented statuses: concepts/errors.md). */
export const graphOutageSchema = z.object({
  status: z.union([z.literal(429), z.literal(500), z.literal(503), z.literal(504)]),
  /** Seconds for `Retry-After` (Graph sends it with 429 and may with 503). */
  retryAfterSeconds: z.number().int().min(0).max(3600).default(5),
});
export type GraphOutage = z.infer<typeof graphOutageSchema>;

const guid = z.string().uuid();
export const directoryPatchSchema = z
  .object({
    /** `null` ends the outage. */
    outage: graphOutageSchema.nullable().optional(),
    users: z
      .array(
        z.object({ id: guid, displayName: z.string().min(1).max(256), userPrincipalName: z.string().min(3) }),
      )
      .max(1000)
      .optional(),
    groups: z
      .array(
        z.object({ id: guid, displayName: z.string().min(1).max(256), members: z.array(guid).max(1000) }),
      )
      .max(1000)
      .optional(),
  })
  .strict();
export type DirectoryPatch = z.infer<typeof directoryPatchSchema>;

const person = (n: number, displayName: string): DirectoryUser => ({
  id: `00000000-0000-4000-8000-0000000000${20 + n}`,
  displayName,
  userPrincipalName: `${displayName.toLowerCase().replace(' ', '.')}@contoso.example`,
});

/**
 * The seed: the Agents Playground's six people (same Entra object ids as src/playground, written out
 * here because the emulator models Microsoft's side only) and three security groups, one nested in
 * another, so `APPROVERS=<Dual-write approvers>` makes Priya an approver only through nesting.
 */
export const SEED_USERS: readonly DirectoryUser[] = [
  person(0, 'Alex Admin'),
  person(1, 'Priya Approver'),
  person(2, 'Megan Bowen'),
  person(3, 'Adele Vance'),
  person(4, 'Isaiah Langer'),
  person(5, 'Patti Fernandez'),
];

export const SEED_GROUPS: readonly DirectoryGroup[] = [
  {
    id: '00000000-0000-4000-8000-000000000041',
    displayName: 'Dual-write admins',
    members: [SEED_USERS[0].id],
  },
  {
    id: '00000000-0000-4000-8000-000000000042',
    displayName: 'Dual-write approvers',
    members: ['00000000-0000-4000-8000-000000000043'],
  },
  {
    id: '00000000-0000-4000-8000-000000000043',
    displayName: 'Finance approvers',
    members: [SEED_USERS[1].id],
  },
];

export class GraphDirectory {
  private readonly users = new Map<string, DirectoryUser>();
  private readonly groups = new Map<string, DirectoryGroup>();
  outage: GraphOutage | null = null;
  /** Requests answered (outage or not), for tests that check caching. */
  requests = 0;

  constructor() {
    this.reset();
  }

  reset(): void {
    this.users.clear();
    this.groups.clear();
    for (const user of SEED_USERS) this.users.set(user.id.toLowerCase(), { ...user });
    for (const group of SEED_GROUPS)
      this.groups.set(group.id.toLowerCase(), { ...group, members: [...group.members] });
    this.outage = null;
    this.requests = 0;
  }

  apply(patch: DirectoryPatch): void {
    if (patch.outage !== undefined) this.outage = patch.outage;
    for (const user of patch.users ?? []) this.users.set(user.id.toLowerCase(), { ...user });
    for (const group of patch.groups ?? []) this.groups.set(group.id.toLowerCase(), { ...group });
  }

  user(id: string): DirectoryUser | undefined {
    return this.users.get(id.toLowerCase());
  }

  group(id: string): DirectoryGroup | undefined {
    return this.groups.get(id.toLowerCase());
  }

  /** Any directory object by id, with its type. */
  object(
    id: string,
  ): { type: 'user'; user: DirectoryUser } | { type: 'group'; group: DirectoryGroup } | undefined {
    const user = this.user(id);
    if (user) return { type: 'user', user };
    const group = this.group(id);
    return group ? { type: 'group', group } : undefined;
  }

  /**
   * Whether `memberId` is in `groupId` directly or through nested groups (checkMemberGroups is
   * "transitive"); cycles are cut by the visited set.
   */
  isTransitiveMember(memberId: string, groupId: string): boolean {
    const target = memberId.toLowerCase();
    const seen = new Set<string>();
    const walk = (id: string): boolean => {
      const key = id.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      const group = this.groups.get(key);
      if (!group) return false;
      return group.members.some((member) => member.toLowerCase() === target || walk(member));
    };
    return walk(groupId);
  }

  /** Every user reachable from a group through nesting, each once, in member order. */
  transitiveUsers(groupId: string): DirectoryUser[] {
    const found = new Map<string, DirectoryUser>();
    const seen = new Set<string>();
    const walk = (id: string) => {
      const key = id.toLowerCase();
      if (seen.has(key)) return;
      seen.add(key);
      for (const member of this.groups.get(key)?.members ?? []) {
        const user = this.user(member);
        if (user) found.set(user.id.toLowerCase(), user);
        else walk(member);
      }
    };
    walk(groupId);
    return [...found.values()];
  }

  snapshot(): {
    users: DirectoryUser[];
    groups: DirectoryGroup[];
    outage: GraphOutage | null;
    requests: number;
  } {
    return {
      users: [...this.users.values()],
      groups: [...this.groups.values()],
      outage: this.outage,
      requests: this.requests,
    };
  }
}
