import type { ScenarioId } from './scenarioInput';

// The three questions that decide the scenario (docs/domain.md §2): is F&O new, does it have demo data,
// is Dataverse new. An existing F&O instance is one scenario whatever Dataverse is.

export interface ScenarioAnswers {
  financeOpsIsNew: boolean;
  financeOpsHasDemoData: boolean;
  dataverseIsNew: boolean;
}

export function recommendScenario(answers: ScenarioAnswers): { scenario: ScenarioId; reason: string } {
  if (!answers.financeOpsIsNew) {
    return {
      scenario: 'existing-existing',
      reason:
        'your Finance and Operations environment is already in use, so the setup starts in Finance and Operations itself, for the legal entities you choose, whether Dataverse is new or not.',
    };
  }
  const demo = answers.financeOpsHasDemoData;
  if (answers.dataverseIsNew) {
    return demo
      ? {
          scenario: 'new-demo-new',
          reason:
            'both environments are new and F&O has demo data: I link them from Lifecycle Services and can copy the demo companies to Dataverse with initial sync.',
        }
      : {
          scenario: 'new-new',
          reason:
            'both environments are new and empty: Lifecycle Services links them for company DAT and turns the maps on; there is no data to move.',
        };
  }
  return demo
    ? {
        scenario: 'new-demo-existing',
        reason:
          'F&O is new with demo data and Dataverse already has data: after linking, demo data can be synced, and your existing Dataverse rows need a company of their own (bootstrap).',
      }
    : {
        scenario: 'new-existing',
        reason:
          'F&O is new and empty while Dataverse already has data: after linking, I create your company in F&O and stamp the existing Dataverse rows with it (bootstrap), after approval.',
      };
}
