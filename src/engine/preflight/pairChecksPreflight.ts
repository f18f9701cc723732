import type { PlannedStep } from '../model';
import { runPairChecks } from '../pairChecks/pairChecks';
import type { CheckVerdict } from '../pairChecks/pairCheck';
import { paramsOfStep } from '../stepParams';
import type { FindingReport, PreflightCheck } from './preflightCheck';

// The doctor's checks of the pair (src/engine/pairChecks), at the head of every plan: a blocker
// refuses Start with its fix; "the setup will do it" names the plan's step that does it; a check no
// API answers stays off the card, a read that failed is a warning (the run checks again).

/** The legal entities the plan links: those of its link step, and those it adds to the link. */
function legalEntitiesToLink(steps: PlannedStep[]): string[] | undefined {
  const codes = new Set<string>();
  for (const step of steps) {
    paramsOfStep(step, 'linkEnvironments')?.legalEntities.forEach((code) => codes.add(code));
    paramsOfStep(step, 'addCompanyToConnection')?.codes.forEach((code) => codes.add(code));
  }
  return codes.size ? [...codes] : undefined;
}

function reportVerdict(verdict: CheckVerdict, steps: PlannedStep[], report: FindingReport): void {
  const code = verdict.code ?? verdict.name;
  if (verdict.state === 'blocker') report.add(code, 'blocking', verdict.detail, verdict.fix);
  if (verdict.state === 'not-checkable' && verdict.readFailed)
    report.add('check_unavailable', 'warning', verdict.detail, verdict.fix);
  if (verdict.state !== 'setup-will-do') return;
  const at = steps.findIndex((step) => step.kind === verdict.doneBy);
  // A plan without that step does not do it: then it is the admin's to do, a warning.
  if (at < 0) report.add(code, 'warning', verdict.detail, verdict.fix);
  else report.add(code, 'setup', verdict.detail, `The setup will do it: step ${at + 1}, ${steps[at].title}.`);
}

export const pairChecksPreflight: PreflightCheck = {
  name: "the doctor's checks of the pair",
  async run(facts, report) {
    const verdicts = await runPairChecks({
      platform: facts.platform,
      financeOpsUrl: facts.financeOps.url,
      dataverseUrl: facts.dataverse.url,
      dataverseEnvironmentId: facts.dataverse.env?.id,
      financeOpsEnvironment: facts.financeOps.env,
      dataverseEnvironment: facts.dataverse.env,
      legalEntitiesToLink: legalEntitiesToLink(facts.steps),
      initialSyncLegalEntities: facts.initialSync?.legalEntities,
      newFinanceOps: facts.steps.some((step) => step.kind === 'provisionFinanceOps'),
    });
    for (const verdict of verdicts) reportVerdict(verdict, facts.steps, report);
  },
};
