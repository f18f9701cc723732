import { legalEntityPresence, missingLegalEntitiesText } from '../legalEntityPresence';
import { errorMessage, type PreflightCheck } from './preflightCheck';

// What is inside an F&O that exists already: the legal entities it is to link (docs/domain.md §3).
// What a Dataverse must (not) have installed is checked by the pair checks (src/engine/pairChecks).

export const legalEntitiesCheck: PreflightCheck = {
  name: 'legal entities to link exist in F&O',
  async run({ input, platform, financeOps: { url } }, report) {
    if (input.scenario !== 'existing-existing' || !url) return;
    try {
      const { missing, present } = await legalEntityPresence(platform.financeOps(url), input.legalEntities);
      if (missing.length) {
        report.add(
          'legal_entity_missing',
          'blocking',
          missingLegalEntitiesText(missing),
          `Pick from: ${present.join(', ') || 'none found'}.`,
        );
      }
    } catch (error) {
      report.add(
        'financeops_unreachable',
        'blocking',
        `Finance and Operations at ${url} did not answer: ${errorMessage(error)}.`,
        "Check the URL and that the bot's app registration is allowed in F&O (System administration > Microsoft Entra ID applications).",
      );
    }
  },
};
