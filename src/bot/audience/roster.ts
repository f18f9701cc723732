import { TeamsInfo, type TurnContext } from 'botbuilder';
import { systemClock } from '../../engine/engineApi';
import type { Member } from './viewerRules';

// Who is in a conversation, with both ids: the user MRI (for `refresh.userIds`) and the Entra object
// id (for roles). Read through the Bot Connector's paged members call (`GET /v3/conversations/{id}/
// pagedmembers`, botbuilder's TeamsInfo), cached per conversation. A card click never waits for it:
// `peek` answers from the cache (even an old answer, refreshed behind it), and the notifier, which
// posts and updates cards outside any click, is the one that waits for a fresh read. A roster that
// cannot be read is empty for a while: cards then fall back to the shared card for everyone, which
// offers no action that a reader may not take.

export interface MemberPage {
  members: Member[];
  continuationToken?: string;
}

export type FetchMemberPage = (continuationToken?: string) => Promise<MemberPage>;

export interface RosterOptions {
  /** How long a read roster counts as fresh (default 5 min). */
  ttlMs?: number;
  /** How long a failed read is not tried again (default 30 s). */
  failureTtlMs?: number;
  now?: () => number;
}

interface Entry {
  members: Member[];
  until: number;
  failed: boolean;
}

export class Roster {
  private readonly cache = new Map<string, Entry>();
  private readonly reading = new Map<string, Promise<Member[]>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly now: () => number;

  constructor(options: RosterOptions = {}) {
    this.ttlMs = options.ttlMs ?? 300_000;
    this.failureTtlMs = options.failureTtlMs ?? 30_000;
    this.now = options.now ?? (() => systemClock.now().getTime());
  }

  /**
   * The members of a conversation (at most `max`), from cache when fresh; otherwise read once (calls
   * at the same time share the read). A failed read is remembered briefly and rethrown.
   */
  async members(conversationKey: string, fetchPage: FetchMemberPage, max = 500): Promise<Member[]> {
    const cached = this.cache.get(conversationKey);
    if (cached && cached.until > this.now()) {
      if (cached.failed) throw new Error('the conversation roster could not be read a moment ago');
      return cached.members;
    }
    return this.read(conversationKey, fetchPage, max);
  }

  /**
   * What is known without waiting: the cached members (an expired answer too, read again behind
   * it), or undefined (a read is started for the next asker).
   */
  peek(conversationKey: string, fetchPage: FetchMemberPage, max = 500): Member[] | undefined {
    const cached = this.cache.get(conversationKey);
    if (!cached || cached.until <= this.now()) {
      this.read(conversationKey, fetchPage, max).catch(() => undefined);
    }
    return cached && !cached.failed ? cached.members : undefined;
  }

  private read(conversationKey: string, fetchPage: FetchMemberPage, max: number): Promise<Member[]> {
    const pending = this.reading.get(conversationKey);
    if (pending) return pending;
    const read = (async () => {
      try {
        const members: Member[] = [];
        let token: string | undefined;
        do {
          const page = await fetchPage(token);
          members.push(...page.members);
          token = page.continuationToken;
        } while (token && members.length < max);
        const kept = members.slice(0, max);
        this.cache.set(conversationKey, { members: kept, until: this.now() + this.ttlMs, failed: false });
        return kept;
      } catch (error) {
        const previous = this.cache.get(conversationKey);
        // An earlier good answer stays usable for peeking; the failure only delays the next read.
        this.cache.set(conversationKey, {
          members: previous?.members ?? [],
          until: this.now() + this.failureTtlMs,
          failed: !previous || previous.failed,
        });
        throw error;
      } finally {
        this.reading.delete(conversationKey);
      }
    })();
    this.reading.set(conversationKey, read);
    return read;
  }
}

/** The conversation a roster belongs to: a channel thread's members are the channel's. */
export function rosterKey(conversationId: string): string {
  return conversationId.split(';')[0];
}

/** Pages of members through the Bot Connector of this turn (or of a proactive continuation). */
export function teamsMemberPages(context: TurnContext): FetchMemberPage {
  const conversationId = rosterKey(context.activity.conversation?.id ?? '');
  return async (continuationToken) => {
    const page = await TeamsInfo.getPagedTeamMembers(context, conversationId, 100, continuationToken);
    return {
      members: page.members.map((m) => ({ id: m.id, aadObjectId: m.aadObjectId, name: m.name })),
      continuationToken: page.continuationToken || undefined,
    };
  };
}
