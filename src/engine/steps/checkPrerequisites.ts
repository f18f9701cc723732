import {
  DUAL_WRITE_APP_IDS,
  MIN_PLATFORM_VERSION,
  PROSPECT_TO_CASH_SOLUTION,
  compareVersions,
} from '../catalog/solutions';
import { environmentsOf } from '../scenarios/environments';
import { dataverseEnvironment, dataverseUrl, financeOpsEnvironment, financeOpsUrl } from './runFacts';
import { PermanentStepError, defineStep, type VerificationResult, type KindContext } from './stepContext';

// The prerequisites every scenario checks before linking (docs/domain.md §3): same tenant, F&O 10.0.9 or
// later, no Prospect-to-Cash, the dual-write apps present as application users, and (for an existing
// F&O) the chosen legal entities exist. The solutions themselves are installed by their own step.

export const checkPrerequisites = defineStep('checkPrerequisites', {
  async execute(ctx) {
    const result = await check(ctx);
    if (!result.ok) throw new PermanentStepError('prerequisites_failed', result.message);
    return result.output ?? {};
  },
  verify: check,
});

async function check(ctx: KindContext<'checkPrerequisites'>): Promise<VerificationResult> {
  const problems: string[] = [];
  const [foEnv, dvEnv, foUrl, dvUrl] = await Promise.all([
    financeOpsEnvironment(ctx.run, ctx.platform),
    dataverseEnvironment(ctx.run, ctx.platform),
    financeOpsUrl(ctx.run, ctx.platform),
    dataverseUrl(ctx.run, ctx.platform),
  ]);
  if (foEnv && compareVersions(foEnv.platformVersion, MIN_PLATFORM_VERSION) < 0) {
    problems.push(
      `Finance and Operations is at ${foEnv.platformVersion}; dual-write needs ${MIN_PLATFORM_VERSION} (platform update 33) or later. Update the environment in LCS.`,
    );
  }
  if (foEnv && dvEnv && foEnv.tenantId.toLowerCase() !== dvEnv.tenantId.toLowerCase()) {
    problems.push(
      'The two environments are in different Microsoft Entra tenants; dual-write needs both in the same tenant.',
    );
  }
  const dataverse = ctx.platform.dataverse(dvUrl);
  const [solutions, appUsers] = await Promise.all([
    dataverse.listSolutions(),
    dataverse.listApplicationUserIds(),
  ]);
  if (solutions.some((s) => s.uniqueName.toLowerCase() === PROSPECT_TO_CASH_SOLUTION.toLowerCase())) {
    problems.push(
      'The Prospect-to-Cash solution is installed in Dataverse; uninstall it before setting up dual-write.',
    );
  }
  const users = new Set(appUsers.map((id) => id.toLowerCase()));
  const missingApps = DUAL_WRITE_APP_IDS.filter((id) => !users.has(id));
  if (missingApps.length) {
    problems.push(
      `The dual-write apps ${missingApps.join(', ')} are not application users in Dataverse (DW9003 Failed to connect to CRM/AX). Add them as application users with the Dual-write app users role.`,
    );
  }
  const input = ctx.run.input;
  if (input.scenario === 'existing-existing' && environmentsOf(input).financeOps.kind === 'existing') {
    const present = new Set(
      (await ctx.platform.financeOps(foUrl).listLegalEntities()).map((e) => e.id.toUpperCase()),
    );
    const missing = input.legalEntities.filter((code) => !present.has(code));
    if (missing.length) problems.push(`Finance and Operations has no legal entity ${missing.join(', ')}.`);
  }
  if (problems.length) return { ok: false, message: problems.join(' ') };
  return {
    ok: true,
    message: 'Every prerequisite is met.',
    output: { platformVersion: foEnv?.platformVersion, tenantId: foEnv?.tenantId ?? dvEnv?.tenantId },
  };
}
