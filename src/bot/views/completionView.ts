import type { Run } from '../../engine/engineApi';
import type { CompletionModel } from '../cards/cardModels';
import { SCENARIO_TEXT } from './scenarioView';
import { completionFacts, completionSentence, mapsRunning } from './completionSummary';
import { shortId } from './format';

/**
 * The one completion message: the requester @mentioned inside the card (Teams `msteams.entities`,
 * MicrosoftDocs/msteams-docs cards-format.md "Mention support within Adaptive Cards"), the outcome,
 * the figures that apply, and a link back to the run card instead of its steps.
 */
export function completionCardData(run: Run, runLink = ''): CompletionModel {
  const mention = `<at>${run.requestedBy.name}</at>`;
  return {
    mentionText: completionSentence(run, mention, SCENARIO_TEXT[run.scenario].title),
    color: run.status === 'succeeded' ? 'Good' : 'Attention',
    facts: completionFacts(run),
    maps: mapsRunning(run),
    shortId: shortId(run.id),
    runLink,
    mentions: [{ text: mention, id: run.requestedBy.id, name: run.requestedBy.name }],
  };
}
