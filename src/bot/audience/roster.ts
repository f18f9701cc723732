import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { Member } from './audience';

// Who is in a conversation, with both ids: the user MRI (for `refresh.userIds`) and the Entra object
// id (for roles). Read through the Bot Connector's paged members call (`GET /v3/conversations/{id}/
// pagedmembers`, botbuilder's TeamsInfo), cached briefly per conversation. A roster that cannot be
// read is empty: cards then fall back to the shared card for everyone, which offers no action that
// a reader may not take.

export interface MemberPage {
  members: Member[];
  continuationToken?: string;
}

export type FetchMemberPage = (continuationToken?: string) => Promise<MemberPage>;

export class Roster {
  private readonly cache = new Map<string, { members: Member[]; until: number }>();

  constructor(
    private readonly ttlMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The members of a conversation (at most `max`), from cache when fresh. */
  async members(conversationKey: string, fetchPage: FetchMemberPage, max = 500): Promise<Member[]> {
    const cached = this.cache.get(conversationKey);
    if (cached && cached.until > this.now()) return cached.members;
    const members: Member[] = [];
    let token: string | undefined;
    do {
      const page = await fetchPage(token);
      members.push(...page.members);
      token = page.continuationToken;
    } while (token && members.length < max);
    const kept = members.slice(0, max);
    this.cache.set(conversationKey, { members: kept, until: this.now() + this.ttlMs });
    return kept;
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
