import { z } from 'zod';
import { environmentsOf } from '../scenarios/environments';
import type { FinanceOpsEnvironment } from '../ports';
import { numbered } from './dualWriteSteps';
import { executeUnified, isUnifiedStep, verifyUnified } from './provisionUnified';
import { BEFORE_VERIFICATION, defineStep, touchesNothingMore, type KindContext } from './defineStep';
import { PermanentStepError, pollUntil } from './stepContext';

/**
 * Deploys the new F&O environment through LCS (or verifies the admin did), then waits for Deployed; or,
 * for a unified environment, provisions it through the Power Platform API (provisionUnified.ts).
 */
const DEPLOY_TIMEOUT_MS = 12 * 3600_000;

const params = z.object({
  name: z.string().optional(),
  demoData: z.boolean().default(false),
  // A unified environment (Power Platform admin center): created with an ERP template, or the
  // provisioning app installed into the existing Dataverse environment at intoDataverseUrl.
  home: z.enum(['lcs', 'unified']).optional(),
  template: z.enum(['D365_FinOps_Finance', 'D365_FinOps_SCM', 'D365_FinOps_ProjOps']).optional(),
  environmentType: z.enum(['sandbox', 'production', 'developer']).optional(),
  intoDataverseUrl: z.string().optional(),
});
export type ProvisionFinanceOpsParams = z.output<typeof params>;

export const provisionFinanceOps = defineStep({
  kind: 'provisionFinanceOps',
  params,
  title: 'Deploy the Finance and Operations environment',
  // Independent: a new F&O environment takes hours in LCS, and starts first.
  needs: [],
  neededBy: BEFORE_VERIFICATION,
  // A unified environment is F&O and its Dataverse environment in one.
  alsoProvides: (planned) => (planned.home === 'unified' ? ['provisionDataverse'] : []),
  // A unified environment is planned automatic (the Power Platform API), whatever this says.
  automatic: (c) => c.deployFinanceOps,
  needsApproval: false,
  skippable: false,
  manual: {
    instructions:
      'In Lifecycle Services, open the project, choose Configure to deploy a new environment with the name shown, with or without demo data as planned, and enable the Power Platform integration. Press Done once LCS shows it Deployed.',
    link: 'https://lcs.dynamics.com/',
    async forRun(ctx) {
      const { name, demoData } = nameAndDemo(ctx);
      return numbered([
        'In Lifecycle Services (https://lcs.dynamics.com), open the project and choose **Configure** to deploy a new environment.',
        `Name it ${name}, choose ${demoData ? 'a topology with demo data' : 'a topology without demo data'}, and under Power Platform integration choose to set it up, so a Dataverse environment is linked.`,
        'Press **Done, verify** once LCS shows the environment Deployed: the bot reads its state from the LCS environment API.',
      ]);
    },
  },
  touches: touchesNothingMore,
  async execute(ctx) {
    if (isUnifiedStep(ctx)) return executeUnified(ctx);
    const { name, demoData } = nameAndDemo(ctx);
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
    const { name } = nameAndDemo(ctx);
    const env = await ctx.platform.lifecycle.findFinanceOps(name);
    if (!env) return { ok: false, message: `Lifecycle Services has no environment named "${name}" yet.` };
    if (env.state !== 'deployed')
      return { ok: false, message: `"${name}" is ${env.state}, not deployed yet.` };
    return { ok: true, message: `"${name}" is deployed at ${env.url}.`, output: output(env) };
  },
});

function nameAndDemo(ctx: KindContext<ProvisionFinanceOpsParams>): { name: string; demoData: boolean } {
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
