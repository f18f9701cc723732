import { systemClock, type Actor } from '../../engine/engineApi';
import type { DirectoryPerson, RoleDirectory } from './roleDirectory';

// Who may start a setup and who may decide an approval, from ADMINS and APPROVERS: each entry is an
// Entra object id of a user or of a group (nested groups count). A user listed by id needs no
// directory call; otherwise Microsoft Graph says which entries are groups and whether the user is in
// one of them. Answers are cached briefly and calls at the same time share one request; a directory
// that cannot be reached never grants anything, and the refusal says so. Who the approvers are (names
// on cards, never a grant) is served from cache even when old, and read again behind the answer, so
// a card click does not wait on Graph for it.

export interface RolePolicy {
  /** Object ids (users or groups) allowed to start and run setups; empty means everyone. */
  admins: string[];
  /** Object ids (users or groups) allowed to decide approvals; empty means the admins. */
  approvers: string[];
  /** The requester of a run may not decide its approvals. */
  fourEyes: boolean;
}

export type Refusal = { allowed: true } | { allowed: false; reason: string };

export interface RolesOptions {
  /** How long a user's membership answer is kept (default 60 s). */
  membershipTtlMs?: number;
  /** How long the answer "which entries are groups" is kept (default 10 min). */
  groupsTtlMs?: number;
  /** How long a failed look-up of who the approvers are is not tried again (default 15 s). */
  peopleFailureTtlMs?: number;
  now?: () => number;
}

/** Who may approve, as far as it can be told: people by name, and how many more there are. */
export interface ApproverList {
  /** Everyone may decide (no APPROVERS and no ADMINS). */
  anyone: boolean;
  people: DirectoryPerson[];
  /** Why the list may be incomplete (the directory could not be asked). */
  unavailable?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

type Membership = { member: true } | { member: false; unavailable?: string };

export class Roles {
  private readonly membershipTtlMs: number;
  private readonly groupsTtlMs: number;
  private readonly peopleFailureTtlMs: number;
  private readonly now: () => number;
  /** Look-ups under way, by cache key: callers at the same time share one. */
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly groupCache = new Map<string, { groups: string[]; until: number }>();
  private readonly memberCache = new Map<string, { member: boolean; until: number }>();
  private readonly peopleCache = new Map<string, { list: ApproverList; until: number }>();

  constructor(
    readonly policy: RolePolicy,
    private readonly directory?: RoleDirectory,
    options: RolesOptions = {},
  ) {
    this.membershipTtlMs = options.membershipTtlMs ?? 60_000;
    this.groupsTtlMs = options.groupsTtlMs ?? 600_000;
    this.peopleFailureTtlMs = options.peopleFailureTtlMs ?? 15_000;
    this.now = options.now ?? (() => systemClock.now().getTime());
  }

  /** The ids that may decide: APPROVERS, or ADMINS when APPROVERS is empty. */
  get approverIds(): string[] {
    return this.policy.approvers.length > 0 ? this.policy.approvers : this.policy.admins;
  }

  async mayStart(actor: Actor): Promise<Refusal> {
    return this.asAdmin(actor, 'Only the configured dual-write admins can start or change a setup.');
  }

  /** Cancel, retry, skip and "Done, verify" on a run: the admins too. */
  async mayOperate(actor: Actor): Promise<Refusal> {
    return this.asAdmin(
      actor,
      'Only the configured dual-write admins can cancel, retry, skip or verify a step of a setup.',
    );
  }

  private async asAdmin(actor: Actor, refusal: string): Promise<Refusal> {
    if (this.policy.admins.length === 0) return { allowed: true };
    const membership = await this.membership(actor, this.policy.admins);
    if (membership.member) return { allowed: true };
    return {
      allowed: false,
      reason: membership.unavailable
        ? `Could not check whether ${actor.name} is a dual-write admin, so nothing was done: ${membership.unavailable}`
        : refusal,
    };
  }

  async mayDecide(actor: Actor, requester: Actor): Promise<Refusal> {
    const approvers = this.approverIds;
    if (approvers.length > 0) {
      const membership = await this.membership(actor, approvers);
      if (!membership.member) {
        return {
          allowed: false,
          reason: membership.unavailable
            ? `Could not check whether ${actor.name} is an approver, so nothing was decided: ${membership.unavailable}`
            : `${actor.name} is not an approver for dual-write setups; an approver must decide.`,
        };
      }
    }
    if (this.policy.fourEyes && same(actor.id, requester.id)) {
      return {
        allowed: false,
        reason: `Four eyes: ${requester.name} requested this setup, so another approver must decide this step.`,
      };
    }
    return { allowed: true };
  }

  /**
   * Admins and approvers, who see runs beyond their own conversation (everyone while both lists are
   * empty: local demos); false when the directory cannot tell.
   */
  async isPrivileged(actor: Actor): Promise<boolean> {
    const { admins, approvers } = this.policy;
    if (admins.length === 0 && approvers.length === 0) return true;
    return (await this.membership(actor, [...admins, ...approvers])).member;
  }

  /** The people who may decide (users listed by id, and the people of listed groups), at most `max`. */
  approvers(max = 60): Promise<ApproverList> {
    return this.peopleOf(this.approverIds, max);
  }

  /** The people who may start and run setups, at most `max`. */
  admins(max = 60): Promise<ApproverList> {
    return this.peopleOf(this.policy.admins, max);
  }

  /**
   * Who the entries are (names and refresh lists, never a grant): a cached answer is served even when
   * old, and read again behind it; only the very first asker waits. A failed look-up is kept briefly.
   */
  private async peopleOf(ids: string[], max: number): Promise<ApproverList> {
    const key = `${max}|${ids.map((id) => id.toLowerCase()).join(',')}`;
    const cached = this.peopleCache.get(key);
    if (cached && cached.until > this.now()) return cached.list;
    const read = this.once(`people|${key}`, async () => {
      const list = await this.lookUpPeople(ids, max);
      const ttl = list.unavailable ? this.peopleFailureTtlMs : this.membershipTtlMs;
      // A failed look-up does not replace names already known.
      const kept = list.unavailable && cached && !cached.list.unavailable ? cached.list : list;
      this.peopleCache.set(key, { list: kept, until: this.now() + ttl });
      return kept;
    });
    if (cached) {
      read.catch(() => undefined);
      return cached.list;
    }
    return read;
  }

  /** One look-up per key at a time. */
  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.pending.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = work().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }

  private async lookUpPeople(ids: string[], max: number): Promise<ApproverList> {
    if (ids.length === 0) return { anyone: true, people: [] };
    // Without a directory every entry is taken for a user; the caller may know names from the roster.
    if (!this.directory) return { anyone: false, people: ids.map((id) => ({ id, displayName: id })) };
    try {
      const groups = await this.groupsAmong(ids);
      const users = ids.filter((id) => !groups.some((g) => same(g, id)));
      const names = await this.directory.displayNames(users.filter((id) => GUID.test(id)));
      const people = new Map<string, DirectoryPerson>();
      for (const id of users)
        people.set(id.toLowerCase(), { id, displayName: names.get(id.toLowerCase()) ?? id });
      for (const group of groups) {
        if (people.size >= max) break;
        for (const person of await this.directory.transitiveUsers(group, max)) {
          people.set(person.id.toLowerCase(), person);
        }
      }
      return { anyone: false, people: [...people.values()].slice(0, max) };
    } catch (error) {
      return {
        anyone: false,
        people: ids.map((id) => ({ id, displayName: id })),
        unavailable: (error as Error).message,
      };
    }
  }

  /** Whether the actor is listed, directly or through a group; never true when it cannot be told. */
  private async membership(actor: Actor, list: string[]): Promise<Membership> {
    if (list.some((id) => same(id, actor.id))) return { member: true };
    // Only an Entra object id can be looked up in groups (a Teams user id such as 29:... cannot).
    if (!this.directory || !GUID.test(actor.id)) return { member: false };
    let groups: string[];
    try {
      groups = await this.groupsAmong(list);
    } catch (error) {
      return { member: false, unavailable: graphReason(error) };
    }
    if (groups.length === 0) return { member: false };
    const key = `${actor.id.toLowerCase()}|${groups
      .map((g) => g.toLowerCase())
      .sort()
      .join(',')}`;
    const cached = this.memberCache.get(key);
    if (cached && cached.until > this.now()) return { member: cached.member };
    const directory = this.directory;
    try {
      const member = await this.once(`member|${key}`, async () => {
        const found = await directory.memberGroups(actor.id, groups);
        const answer = found.length > 0;
        this.memberCache.set(key, { member: answer, until: this.now() + this.membershipTtlMs });
        return answer;
      });
      return { member } as Membership;
    } catch (error) {
      // Not kept: the next click asks Graph again (a refusal must not outlive the outage).
      return { member: false, unavailable: graphReason(error) };
    }
  }

  private async groupsAmong(list: string[]): Promise<string[]> {
    const candidates = list.filter((id) => GUID.test(id));
    if (!this.directory || candidates.length === 0) return [];
    const key = candidates
      .map((id) => id.toLowerCase())
      .sort()
      .join(',');
    const cached = this.groupCache.get(key);
    if (cached && cached.until > this.now()) return cached.groups;
    const directory = this.directory;
    return this.once(`groups|${key}`, async () => {
      const groups = await directory.groupsAmong(candidates);
      this.groupCache.set(key, { groups, until: this.now() + this.groupsTtlMs });
      return groups;
    });
  }
}

function graphReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `${message.replace(/\.?$/, '.')} Try again in a minute; if it goes on, check the bot's Microsoft Graph permissions (User.Read.All, GroupMember.Read.All).`;
}
