import type { TurnContext } from 'botbuilder';
import { FINISHED_RUN_STATUSES, type Actor, type Run } from '../../engine/engineApi';
import type { Logger } from '../../log';
import type { Roles } from '../roles/roles';
import type { Member } from './viewerRules';
import { cardAudience } from './cardAudience';
import type { CardPerspective, RunCardKind } from './cardPerspective';
import { Roster, rosterKey, teamsMemberPages } from './roster';

// Builds the CardPerspective of a run's card in a turn: the shared one (for posting and updating) or the
// one of the person in the turn (the answer to their click or to Teams' refresh for them).
// A click is answered in milliseconds: the viewer's card reads the roster from cache only (the
// notifier, which posts the shared card first, has read it), and asks the roles only what that
// card can show (Approve/Reject on an undecided approval, admin actions on an unfinished run or a
// waiting manual step), taking what the click's own permission check already answered.

/** Which card of the run the viewer gets. */
export interface CardTarget {
  kind: RunCardKind;
  stepId?: string;
}

/** What the click's permission check already said about the viewer. */
export interface KnownVerdicts {
  mayOperate?: boolean;
  mayDecide?: boolean;
}

export class PerspectiveReader {
  constructor(
    private readonly roles: Roles,
    private readonly roster: Roster = new Roster(),
    private readonly logger?: Logger,
  ) {}

  /**
   * The shared card's view; waits for the roster (outside any click), unless that card of the run
   * (`kind`) gives nobody a personal view, so the roster is not read at all.
   */
  async shared(context: TurnContext, run: Run, kind?: RunCardKind): Promise<CardPerspective> {
    const members = kind && !this.personalViews(kind) ? [] : await this.members(context);
    return this.viewOf(run, members);
  }

  /** Whether the card of this kind may differ per person (so the roster's user ids matter). */
  private personalViews(kind: RunCardKind): boolean {
    if (kind === 'approval') return this.roles.approverIds.length > 0 || this.roles.policy.fourEyes;
    return this.roles.policy.admins.length > 0;
  }

  async forViewer(
    context: TurnContext,
    run: Run,
    actor: Actor,
    target: CardTarget = { kind: 'run' },
    known: KnownVerdicts = {},
  ): Promise<CardPerspective> {
    const needs = viewerNeeds(run, target);
    const [view, mayOperate, mayDecide] = await Promise.all([
      this.viewOf(run, this.personalViews(target.kind) ? this.cachedMembers(context) : []),
      needs.operate ? (known.mayOperate ?? this.roles.mayOperate(actor).then((r) => r.allowed)) : false,
      needs.decide
        ? (known.mayDecide ?? this.roles.mayDecide(actor, run.requestedBy).then((r) => r.allowed))
        : false,
    ]);
    return { ...view, viewer: { actor, mayOperate, mayDecide } };
  }

  private async viewOf(run: Run, members: Member[]): Promise<CardPerspective> {
    return {
      audience: await cardAudience(this.roles, members, run.requestedBy),
      fourEyes: this.roles.policy.fourEyes,
    };
  }

  private async members(context: TurnContext): Promise<Member[]> {
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

  /** In a click: what is cached, never a wait (unknown: refresh for everyone, Teams' own rule). */
  private cachedMembers(context: TurnContext): Member[] {
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) return [];
    return this.roster.peek(rosterKey(conversationId), teamsMemberPages(context)) ?? [];
  }
}

/** What a viewer's card of this run can show: admin actions, a decision. */
export function viewerNeeds(run: Run, target: CardTarget): { operate: boolean; decide: boolean } {
  const step = target.stepId ? run.steps.find((s) => s.id === target.stepId) : undefined;
  switch (target.kind) {
    case 'approval':
      return {
        operate: false,
        decide: step?.status === 'awaiting_approval' && !step.approval?.decision,
      };
    case 'manual':
      return { operate: step?.status === 'awaiting_manual', decide: false };
    case 'run':
      return { operate: !FINISHED_RUN_STATUSES.has(run.status) || run.status === 'failed', decide: false };
  }
}
