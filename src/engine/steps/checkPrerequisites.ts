import { z } from 'zod';
import { legalEntityPresence, missingLegalEntitiesText } from '../legalEntityPresence';
import { runPrerequisiteChecks } from '../pairChecks/pairChecks';
import { dataverseEnvironment, dataverseUrl, financeOpsEnvironment, financeOpsUrl } from './runEnvironments';
import {
  BEFORE_VERIFICATION,
  defineStep,
  onEveryPlatform,
  touchesNothingMore,
  type KindContext,
} from './defineStep';
import { PermanentStepError, TransientStepError, type VerificationResult } from './stepContext';

// The prerequisites every scenario checks again right before linking (docs/engine.md): the pair
// checks the doctor and the plan card run too (src/engine/pairChecks, PREREQUISITE_CHECKS: F&O
// release, one tenant, no Prospect to cash, the dual-write application users), worded alike so a
// failure names its catalogued error; and, for an existing F&O, that the chosen legal entities exist.
// The solutions themselves are installed by their own step.

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
  const [foEnv, dvEnv, foUrl, dvUrl] = await Promise.all([
    financeOpsEnvironment(ctx.run, ctx.platform),
    dataverseEnvironment(ctx.run, ctx.platform),
    financeOpsUrl(ctx.run, ctx.platform),
    dataverseUrl(ctx.run, ctx.platform),
  ]);
  const verdicts = await runPrerequisiteChecks({
    platform: ctx.platform,
    financeOpsUrl: foUrl,
    dataverseUrl: dvUrl,
    financeOpsEnvironment: foEnv,
    dataverseEnvironment: dvEnv,
  });
  const unread = verdicts.find((v) => v.state === 'not-checkable' && v.readFailed);
  if (unread) throw new TransientStepError('prerequisites_unreadable', unread.detail);
  // A catalogued error's fix shows on the failure card from the catalog; any other goes with the text.
  const problems = verdicts
    .filter((v) => v.state === 'blocker')
    .map((v) => (v.knownErrors?.length ? v.detail : `${v.detail} ${v.fix}`));
  const input = ctx.run.input;
  // An existing-existing F&O always exists (scenarios/environments.ts).
  if (input.scenario === 'existing-existing') {
    const { missing } = await legalEntityPresence(ctx.platform.financeOps(foUrl), input.legalEntities);
    if (missing.length) problems.push(missingLegalEntitiesText(missing));
  }
  if (problems.length) return { ok: false, message: problems.join(' ') };
  return {
    ok: true,
    message: 'Every prerequisite is met.',
    output: { platformVersion: foEnv?.platformVersion, tenantId: foEnv?.tenantId || dvEnv?.tenantId },
  };
}
