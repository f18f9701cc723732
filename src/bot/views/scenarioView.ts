import type { ScenarioId } from '../../engine/engineApi';
import type { ScenarioModel } from '../cards/cardModels';
import { escapeMarkdown } from '../../engine/engineApi';

/** The LCS project freeze in one line (dynamics-365-unified-operations-public lcs-project-creation-freeze.md). */
export const FREEZE_LINE =
  "Since February 16, 2026, new Finance, Supply Chain Management and Project Operations projects can't be created in Lifecycle Services: a new customer gets a unified environment in the Power Platform admin center; existing LCS projects and Commerce keep LCS.";

/** The five scenarios in plain words, for the scenario card and the plan's title. */
export const SCENARIO_TEXT: Record<ScenarioId, { title: string; summary: string }> = {
  'new-new': {
    title: 'New Finance and Operations, new Dataverse',
    summary:
      'Both are new and empty. A unified environment is F&O and Dataverse in one, created in the Power Platform admin center; with an LCS project I deploy F&O, create Dataverse with the CRM prime solution, link them for company DAT (the default company every new F&O has) and turn the maps on for live sync.',
  },
  'new-existing': {
    title: 'New Finance and Operations, existing Dataverse with data',
    summary:
      'F&O comes from the Power Platform admin center (the provisioning app installed into your Dataverse environment) or an LCS project; I link your Dataverse for DAT and turn the maps on; then I create your company in F&O, add it to the connection and, after approval, stamp your existing Dataverse rows with its code.',
  },
  'new-demo-new': {
    title: 'New Finance and Operations with demo data, new Dataverse',
    summary:
      'Everything of "New Finance and Operations, new Dataverse" above; then I add the demo companies (such as USMF) to the connection and copy their data to Dataverse with initial sync.',
  },
  'new-demo-existing': {
    title: 'New Finance and Operations with demo data, existing Dataverse with data',
    summary:
      'Everything of "New Finance and Operations, existing Dataverse with data" above, with the demo companies synced to Dataverse first; then your own company is created and your existing Dataverse rows are stamped with it, after approval.',
  },
  'existing-existing': {
    title: 'Existing Finance and Operations, new or existing Dataverse',
    summary:
      'Starts in Finance and Operations: I check the prerequisites, link for the legal entities you choose, apply the solution, stamp existing Dataverse rows (after approval) and turn the maps on, with or without initial sync.',
  },
};

export function scenarioCardData(
  recommendation?: { scenario: ScenarioId; reason: string },
  notice = '',
): ScenarioModel {
  return {
    notice: escapeMarkdown(notice),
    freeze: FREEZE_LINE,
    scenarios: (Object.keys(SCENARIO_TEXT) as ScenarioId[]).map((id) => ({
      id,
      ...SCENARIO_TEXT[id],
      recommended: recommendation?.scenario === id,
      reason: recommendation?.scenario === id ? recommendation.reason : '',
    })),
  };
}
