import { companyNamesCheck, legalEntityLimitsCheck } from './companyChecks';
import { integrationEnvironmentCheck } from './integrationCheck';
import { financeOpsVersionCheck, sameTenantCheck } from './linkHealthChecks';
import { publishedMapsCheck } from './mapChecks';
import {
  errorText,
  pairReads,
  verdict,
  type CheckVerdict,
  type PairCheck,
  type PairFacts,
} from './pairCheck';
import { pluginsCheck } from './pluginChecks';
import {
  applicationUsersCheck,
  coreSolutionCheck,
  orchestrationPackagesCheck,
  packageNamesCheck,
  prospectToCashCheck,
} from './solutionChecks';

// The checks of one environment pair that the doctor, the pre-flight and the run's own
// checkPrerequisites step share, in the order they are listed. Those of the environments' admin
// records run whenever the caller has a record; the Dataverse side's need its URL and a Dataverse that
// answers; the F&O side's its URL.

/** The environments as the admin APIs list them (release, tenant). */
export const ENVIRONMENT_PAIR_CHECKS: readonly PairCheck[] = [financeOpsVersionCheck, sameTenantCheck];

/** The Dataverse side, run once its solutions could be read. */
export const DATAVERSE_PAIR_CHECKS: readonly PairCheck[] = [
  prospectToCashCheck,
  coreSolutionCheck,
  orchestrationPackagesCheck,
  packageNamesCheck,
  pluginsCheck,
  applicationUsersCheck,
  companyNamesCheck,
  integrationEnvironmentCheck,
];

/** The F&O side (the link's maps need both URLs). */
export const FINANCE_OPS_PAIR_CHECKS: readonly PairCheck[] = [legalEntityLimitsCheck, publishedMapsCheck];

/**
 * What the run's checkPrerequisites step checks again right before linking: what the link's health
 * check refuses (or DW9003) and no step of the setup changes. Needs the Dataverse URL.
 */
export const PREREQUISITE_CHECKS: readonly PairCheck[] = [
  financeOpsVersionCheck,
  sameTenantCheck,
  prospectToCashCheck,
  applicationUsersCheck,
];

export type PairInput = Omit<PairFacts, 'reads'>;

/**
 * The prerequisite checks, for the run's step. Dataverse's solutions are read first and a failed read
 * throws, so the step fails as that read failed (transient or not) rather than passing unchecked.
 */
export async function runPrerequisiteChecks(
  input: PairInput & { dataverseUrl: string },
): Promise<CheckVerdict[]> {
  const facts: PairFacts = { ...input, reads: pairReads(input.platform, input) };
  await facts.reads.solutions();
  const verdicts: CheckVerdict[] = [];
  for (const check of PREREQUISITE_CHECKS) verdicts.push(...(await check.run(facts)));
  return verdicts;
}

export async function runPairChecks(input: PairInput): Promise<CheckVerdict[]> {
  const facts: PairFacts = { ...input, reads: pairReads(input.platform, input) };
  const verdicts: CheckVerdict[] = [];
  for (const check of ENVIRONMENT_PAIR_CHECKS) verdicts.push(...(await check.run(facts)));
  if (input.dataverseUrl) {
    let reachable = true;
    try {
      const solutions = await facts.reads.solutions();
      verdicts.push(
        verdict(
          'token.dataverse',
          'ok',
          `Dataverse at ${input.dataverseUrl} answered (${solutions.size} solutions).`,
        ),
      );
    } catch (error) {
      reachable = false;
      verdicts.push(
        verdict(
          'token.dataverse',
          'blocker',
          `Dataverse at ${input.dataverseUrl} did not answer: ${errorText(error)}.`,
          'Check the URL, and add the bot as an application user in Dataverse with the System administrator role.',
          { code: 'dataverse_unreachable' },
        ),
      );
    }
    if (reachable) for (const check of DATAVERSE_PAIR_CHECKS) verdicts.push(...(await check.run(facts)));
  }
  if (input.financeOpsUrl || input.legalEntitiesToLink)
    for (const check of FINANCE_OPS_PAIR_CHECKS) verdicts.push(...(await check.run(facts)));
  return verdicts;
}
