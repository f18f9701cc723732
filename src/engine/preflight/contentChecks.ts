import {
  DUAL_WRITE_CORE_SOLUTION,
  missingApplicationUsers,
  PROSPECT_TO_CASH_SOLUTIONS,
} from '../catalog/solutions';
import { errorMessage, type PreflightCheck } from './preflightCheck';

// What is inside environments that exist already: the legal entities an existing F&O is to link,
// and what a Dataverse must (not) have installed before linking (docs/domain.md §3).

export const legalEntitiesCheck: PreflightCheck = {
  name: 'legal entities to link exist in F&O',
  async run({ input, platform, financeOps: { url } }, report) {
    if (input.scenario !== 'existing-existing' || !url) return;
    try {
      const present = new Set(
        (await platform.financeOps(url).listLegalEntities()).map((e) => e.id.toUpperCase()),
      );
      const missing = input.legalEntities.filter((code) => !present.has(code));
      if (missing.length) {
        report.add(
          'legal_entity_missing',
          'blocking',
          `Finance and Operations has no legal entity ${missing.join(', ')}.`,
          `Pick from: ${[...present].sort().join(', ') || 'none found'}.`,
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

/** Solutions and application users are read together: one unreachable Dataverse, one finding. */
export const dataverseSolutionsCheck: PreflightCheck = {
  name: 'Dataverse solutions and application users',
  async run({ platform, dataverse: { url } }, report) {
    if (!url) return;
    try {
      const dataverse = platform.dataverse(url);
      const [solutions, appUsers] = await Promise.all([
        dataverse.listSolutions(),
        dataverse.listApplicationUserIds(),
      ]);
      const names = new Set(solutions.map((s) => s.uniqueName.toLowerCase()));
      if (PROSPECT_TO_CASH_SOLUTIONS.some((name) => names.has(name.toLowerCase()))) {
        report.add(
          'prospect_to_cash',
          'blocking',
          'The Prospect-to-Cash solution is installed in Dataverse.',
          'Uninstall Prospect-to-Cash first: it and dual-write cannot run side by side.',
        );
      }
      if (!names.has(DUAL_WRITE_CORE_SOLUTION.toLowerCase())) {
        report.add(
          'core_solution_missing',
          'warning',
          'The dual-write core solution is not installed in Dataverse yet.',
          'The run installs it with the orchestration packages before linking.',
        );
      }
      const missing = missingApplicationUsers(appUsers);
      if (missing.length) {
        report.add(
          'app_users_missing',
          'warning',
          `The dual-write apps ${missing.join(', ')} are not application users in Dataverse yet.`,
          'Linking fails with DW9003 without them: add them in the Power Platform admin center (Application users) before the prerequisite check runs.',
        );
      }
    } catch (error) {
      report.add(
        'dataverse_unreachable',
        'blocking',
        `Dataverse at ${url} did not answer: ${errorMessage(error)}.`,
        'Check the URL and that the bot may sign in to it.',
      );
    }
  },
};
