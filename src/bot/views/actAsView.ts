import type { Run } from '../../engine/engineApi';
import type { ActAsModel } from '../cards/cardModels';
import { escapeMarkdown } from '../../engine/engineApi';

// A step that acts as the admin (AZURE_AUTH=obo, docs/deploy.md "Teams single sign-on") waits for that
// admin's "Continue as me": the card says who must act and why a new sign-in is asked, and offers the
// button (its Action.Execute carries the admin's fresh SSO token, Learn
// https://learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/cards/universal-actions-for-adaptive-cards/sso-adaptive-cards-universal-action).

/** Teams asks to install the app personally before it hands a card button an SSO token (same page). */
export const PERSONAL_INSTALL_NOTE =
  'Teams may first ask you to add the bot for yourself (a one-on-one chat): that is how it signs you in for this button.';

/**
 * The first step waiting for "Continue as me", or null. `canAct`: whether this copy may act at all; a
 * viewer's own copy shows the button only to the admin who must act (the engine refuses anyone else).
 */
export function actAsOf(run: Run, canAct: boolean, viewerId?: string): ActAsModel | null {
  const step = run.steps.find((s) => s.status === 'awaiting_manual' && s.actAs);
  if (!step?.actAs) return null;
  const who = step.actAs.admin
    ? escapeMarkdown(step.actAs.admin.name)
    : 'the admin who links the environments';
  return {
    stepId: step.id,
    text: `"${escapeMarkdown(step.title)}" runs with the rights of ${who}: waiting for ${who} to press "Continue as me".`,
    reason: step.actAs.reason
      ? `Microsoft Entra asks for a new sign-in: ${escapeMarkdown(step.actAs.reason)}`
      : '',
    installNote: PERSONAL_INSTALL_NOTE,
    canContinue: canAct && (!viewerId || !step.actAs.admin || step.actAs.admin.id === viewerId),
  };
}
