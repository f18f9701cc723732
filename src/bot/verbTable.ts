import { ACTION_SCHEMAS } from './cardActions';
import { renderCard } from './cards/renderCard';
import * as runActions from './handlers/runActions';
import { continueAsMe } from './handlers/continueAsMe';
import * as wizard from './handlers/wizardActions';
import { helpCard } from './views/helpView';
import type { VerbRoutes } from './verbEntry';
import { escapeMarkdown } from '../engine/engineApi';

// The one table of card verbs: each verb's schema, the permission it needs, and its handler.
// botApp.ts registers every entry in a loop; typed commands that act on a run (cancel, retry) are
// dispatched through the same entries (verbDispatch.ts).

const runTarget = (data: { runId: string; stepId?: string }) => ({ runId: data.runId, stepId: data.stepId });

export const VERB_ROUTES: VerbRoutes = {
  'help.show': { kind: 'plain', schema: ACTION_SCHEMAS['help.show'], handle: () => helpCard() },
  'setup.begin': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.begin'],
    permission: 'start',
    handle: () => wizard.scenarioCard(),
  },
  'setup.chooser': { kind: 'plain', schema: ACTION_SCHEMAS['setup.chooser'], handle: () => wizard.chooser() },
  'setup.recommend': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.recommend'],
    invalid: (message) => renderCard('chooser', { notice: escapeMarkdown(message) }),
    handle: ({ data }) => wizard.recommend(data),
  },
  'setup.scenario': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.scenario'],
    handle: ({ data }) => wizard.chooseScenario(data),
  },
  'setup.review': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.review'],
    permission: 'start',
    handle: ({ services, context, data }) => wizard.review(services, context, data),
  },
  'setup.edit': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.edit'],
    handle: ({ data }) => wizard.edit(data),
  },
  'setup.start': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.start'],
    permission: 'start',
    handle: ({ services, context, actor, data }) => wizard.start(services, context, actor, data),
  },
  'setup.order': {
    kind: 'plain',
    schema: ACTION_SCHEMAS['setup.order'],
    permission: 'start',
    handle: ({ services, context, data }) => wizard.reorder(services, context, data),
  },
  'setup.abandon': { kind: 'plain', schema: ACTION_SCHEMAS['setup.abandon'], handle: () => wizard.abandon() },
  'run.refresh': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.refresh'],
    // Looking is not acting: anyone in the conversation may refresh the run card.
    permission: 'view',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.refresh,
  },
  'run.view': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.view'],
    // Teams asks for a listed user's own view of a posted card (refresh.userIds): looking only.
    permission: 'view',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.view,
  },
  'run.cancel': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.cancel'],
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.cancel,
  },
  'run.retry': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.retry'],
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.retry,
  },
  'run.skip': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.skip'],
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: runActions.skip,
  },
  'run.approve': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.approve'],
    permission: 'decide',
    cardOf: 'approval',
    target: runTarget,
    precheck: runActions.missingStep,
    handle: runActions.approve,
  },
  'run.reject': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.reject'],
    permission: 'decide',
    cardOf: 'approval',
    target: runTarget,
    precheck: runActions.missingStep,
    handle: runActions.reject,
  },
  'run.verify': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.verify'],
    permission: 'operate',
    cardOf: 'manual',
    target: runTarget,
    handle: runActions.verify,
  },
  'run.continueAsMe': {
    kind: 'run',
    schema: ACTION_SCHEMAS['run.continueAsMe'],
    // An admin's button; the engine refuses any admin but the one who linked, with the reason.
    permission: 'operate',
    cardOf: 'run',
    target: runTarget,
    handle: continueAsMe,
  },
};
