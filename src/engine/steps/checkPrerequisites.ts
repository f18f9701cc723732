import { z } from 'zod';
import {
  FINANCE_OPS_ENTRA_APP_IDS,
  MIN_PLATFORM_VERSION,
  PROSPECT_TO_CASH_SOLUTIONS,
  compareVersions,
  missingApplicationUsers,
} from '../catalog/solutions';
import { environmentsOf } from '../scenarios/environments';
import { dataverseEnvironment, dataverseUrl, financeOpsEnvironment, financeOpsUrl } from './runEnvironments';
import {
  BEFORE_VERIFICATION,
  defineStep,
  onEveryPlatform,
  touchesNothingMore,
  type KindContext,
} from './defineStep';
import { PermanentStepError, type VerificationResult } from './stepContext';

// The prerequisites every scenario checks before linking (docs/dynamics-apis.md): same tenant, F&O
// 10.0.9 or later, no Prospect-to-Cash, the dual-write apps present as application users, and (for an
// existing F&O) the chosen legal entities exist. The solutions themselves are installed by their own step.

export const checkPrerequisites = defineStep({
  kind: 'checkPrerequisites',
  params: z.object({}),
  title: 'Check the dual-write prerequisites',
  // The health checks read both environments and the installed solutions.
  needs: ['provisionFinanceOps', 'provisionDataverse', 'installDualWriteSolutions'],
  neededBy: BEFORE_VERIFICATION,
  automatic: onEveryPlatform,
  needsApproval: false,
  skippable: false,
  touches: touchesNothingMore,
  async execute(ctx) {
    const result = await check(ctx);
    if (!result.ok) throw new PermanentStepError('prerequisites_failed', result.message);
    return result.output ?? {};
  },
  verify: check,
});

async function check(ctx: KindContext<unknown>): Promise<VerificationResult> {
  const problems: string[] = [];
  const [foEnv, dvEnv, foUrl, dvUrl] = await Promise.all([
    financeOpsEnvironment(ctx.run, ctx.platform),
    dataverseEnvironment(ctx.run, ctx.platform),
    financeOpsUrl(ctx.run, ctx.platform),
    dataverseUrl(ctx.run, ctx.platform),
  ]);
  if (foEnv && compareVersions(foEnv.platformVersion, MIN_PLATFORM_VERSION) < 0) {
    problems.push(
      // The link's health check words it so (docs/known-errors.md, health-check-app-version).
      `Finance and Operations is at ${foEnv.platformVersion}: dual-write's health check asks for Platform Update PU 33 (App version ${MIN_PLATFORM_VERSION}) or above. Update the environment in LCS.`,
    );
  }
  // LCS does not report the tenant (empty): compare only when both sides name one.
  if (foEnv?.tenantId && dvEnv?.tenantId && foEnv.tenantId.toLowerCase() !== dvEnv.tenantId.toLowerCase()) {
    problems.push(
      'The two environments are in different Microsoft Entra tenants; dual-write needs both in the same tenant.',
    );
  }
  const dataverse = ctx.platform.dataverse(dvUrl);
  const [solutions, appUsers] = await Promise.all([
    dataverse.listSolutions(),
    dataverse.listApplicationUserIds(),
  ]);
  const p2c = PROSPECT_TO_CASH_SOLUTIONS.map((name) => name.toLowerCase());
  const p2cFound = solutions.filter((s) => p2c.includes(s.uniqueName.toLowerCase()));
  if (p2cFound.length) {
    problems.push(
      `The Prospect to cash solution (${p2cFound.map((s) => s.uniqueName).join(', ')}) is installed in Dataverse; uninstall it before setting up dual-write.`,
    );
  }
  const missingApps = missingApplicationUsers(appUsers);
  if (missingApps.length) {
    problems.push(
      `The dual-write apps ${missingApps.join(', ')} are not application users in Dataverse (DW9003 Failed to connect to CRM/AX). Add them as application users with the System administrator role; in Finance and Operations the apps ${FINANCE_OPS_ENTRA_APP_IDS.join(' and ')} belong on the Microsoft Entra applications page.`,
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
    output: { platformVersion: foEnv?.platformVersion, tenantId: foEnv?.tenantId || dvEnv?.tenantId },
  };
}
