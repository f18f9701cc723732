import { companyNamesCheck, legalEntityLimitsCheck } from './companyChecks';
import { integrationEnvironmentCheck } from './integrationCheck';
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

// The checks of one environment pair that the doctor and the pre-flight share, in the order they are
// listed. Those of the Dataverse side need its URL and a Dataverse that answers; the F&O side's its URL.

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

/** The F&O side. */
export const FINANCE_OPS_PAIR_CHECKS: readonly PairCheck[] = [legalEntityLimitsCheck];

export type PairInput = Omit<PairFacts, 'reads'>;

export async function runPairChecks(input: PairInput): Promise<CheckVerdict[]> {
  const facts: PairFacts = { ...input, reads: pairReads(input.platform, input) };
  const verdicts: CheckVerdict[] = [];
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
