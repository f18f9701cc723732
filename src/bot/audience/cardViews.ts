import type { TurnContext } from 'botbuilder';
import type { Actor, Run } from '../../engine/model';
import type { Logger } from '../../log';
import type { Roles } from '../roles/roles';
import { cardAudience } from './cardAudience';
import type { CardView } from './cardView';
import { Roster, rosterKey, teamsMemberPages } from './roster';

// Builds the CardView of a run's card in a turn: the shared one (for posting and updating) or the
// one of the person in the turn (the answer to their click or to Teams' refresh for them).

export class CardViews {
  constructor(
    private readonly roles: Roles,
    private readonly roster: Roster = new Roster(),
    private readonly logger?: Logger,
  ) {}

  async shared(context: TurnContext, run: Run): Promise<CardView> {
    const members = await this.members(context);
    return {
      audience: await cardAudience(this.roles, members, run.requestedBy),
      fourEyes: this.roles.policy.fourEyes,
    };
  }

  async forViewer(context: TurnContext, run: Run, actor: Actor): Promise<CardView> {
    const [view, mayOperate, mayDecide] = await Promise.all([
      this.shared(context, run),
      this.roles.mayStart(actor),
      this.roles.mayDecide(actor, run.requestedBy),
    ]);
    return { ...view, viewer: { actor, mayOperate: mayOperate.allowed, mayDecide: mayDecide.allowed } };
  }

  private async members(context: TurnContext) {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return [];
    try {
      return await this.roster.members(rosterKey(conversationId), teamsMemberPages(context));
    } catch (error) {
      // Without a roster the shared card stands for everyone: it offers nothing a reader may not do.
      this.logger?.warn({ err: (error as Error).message, conversationId }, 'roster unavailable');
      return [];
    }
  }
}
