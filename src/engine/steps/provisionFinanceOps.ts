import { environmentsOf } from '../scenarios/environments';
import type { FinanceOpsEnvironment } from '../ports';
import { numbered } from './dualWriteSteps';
import { executeUnified, isUnifiedStep, verifyUnified } from './provisionUnified';
import { PermanentStepError, pollUntil, defineStep, type KindContext } from './stepContext';

/**
 * Deploys the new F&O environment through LCS (or verifies the admin did), then waits for Deployed; or,
 * for a unified environment, provisions it through the Power Platform API (provisionUnified.ts).
 */
const DEPLOY_TIMEOUT_MS = 12 * 3600_000;

export const provisionFinanceOps = defineStep('provisionFinanceOps', {
  async execute(ctx) {
    if (isUnifiedStep(ctx)) return executeUnified(ctx);
    const { name, demoData } = params(ctx);
    let env = await ctx.platform.lifecycle.findFinanceOps(name);
    if (!env) env = await ctx.platform.lifecycle.deployFinanceOps({ name, demoData });
    await ctx.checkpoint({ environmentId: env.id });
    const deployed = await pollUntil(
      ctx,
      () => ctx.platform.lifecycle.getFinanceOps((env as FinanceOpsEnvironment).id),
      (current) => current.state !== 'deploying',
      {
        timeoutMs: DEPLOY_TIMEOUT_MS,
        what: `the deployment of "${name}"`,
        status: (env) => env.serviceState && `Lifecycle Services: ${env.serviceState}`,
      },
    );
    if (deployed.state === 'failed') {
      throw new PermanentStepError(
        'deploy_failed',
        `Lifecycle Services could not deploy "${name}": ${deployed.failureReason ?? 'no reason given'}. Fix it in LCS, then retry.`,
      );
    }
    return output(deployed);
  },
  async verify(ctx) {
    if (isUnifiedStep(ctx)) return verifyUnified(ctx);
    const { name } = params(ctx);
    const env = await ctx.platform.lifecycle.findFinanceOps(name);
    if (!env) return { ok: false, message: `Lifecycle Services has no environment named "${name}" yet.` };
    if (env.state !== 'deployed')
      return { ok: false, message: `"${name}" is ${env.state}, not deployed yet.` };
    return { ok: true, message: `"${name}" is deployed at ${env.url}.`, output: output(env) };
  },
  async manualInstructions(ctx) {
    const { name, demoData } = params(ctx);
    return numbered([
      'In Lifecycle Services (https://lcs.dynamics.com), open the project and choose **Configure** to deploy a new environment.',
      `Name it ${name}, choose ${demoData ? 'a topology with demo data' : 'a topology without demo data'}, and under Power Platform integration choose to set it up, so a Dataverse environment is linked.`,
      'Press **Done, verify** once LCS shows the environment Deployed: the bot reads its state from the LCS environment API.',
    ]);
  },
});

function params(ctx: KindContext<'provisionFinanceOps'>): { name: string; demoData: boolean } {
  const ref = environmentsOf(ctx.run.input).financeOps;
  const name = ctx.params.name ?? (ref.kind === 'new' ? ref.name : '');
  return { name, demoData: ctx.params.demoData };
}

function output(env: FinanceOpsEnvironment): Record<string, unknown> {
  return {
    financeOpsUrl: env.url,
    environmentId: env.id,
    platformVersion: env.platformVersion,
    tenantId: env.tenantId,
  };
}
