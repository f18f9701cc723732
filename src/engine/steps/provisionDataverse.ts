import { z } from 'zod';
import type { DataverseEnvironment } from '../ports';
import {
  BEFORE_VERIFICATION,
  defineStep,
  onEveryPlatform,
  touchesNothingMore,
  type KindContext,
} from './defineStep';
import { PermanentStepError, pollUntil } from './stepContext';

/** Creates the new Dataverse environment with the CRM prime solution (Power Platform admin API). */
const CREATE_TIMEOUT_MS = 3 * 3600_000;

const schema = z.object({ name: z.string(), crmPrime: z.boolean().default(true) });

export const provisionDataverse = defineStep({
  kind: 'provisionDataverse',
  params: schema,
  title: 'Create the Dataverse environment with the Dynamics 365 apps',
  // Independent of the new F&O environment: both start at once.
  needs: [],
  neededBy: BEFORE_VERIFICATION,
  // The Power Platform admin API creates it on every platform, so it is never manual.
  automatic: onEveryPlatform,
  needsApproval: false,
  skippable: false,
  touches: touchesNothingMore,
  async execute(ctx) {
    const name = nameOf(ctx);
    let env = await ctx.platform.powerPlatform.findDataverse(name);
    if (!env)
      env = await ctx.platform.powerPlatform.createDataverse({
        name,
        crmPrime: ctx.params.crmPrime,
      });
    await ctx.checkpoint({ environmentId: env.id });
    const id = env.id;
    const ready = await pollUntil(
      ctx,
      () => ctx.platform.powerPlatform.getDataverse(id),
      (current) => current.state !== 'provisioning',
      {
        timeoutMs: CREATE_TIMEOUT_MS,
        what: `the Dataverse environment "${name}"`,
        status: (env) => env.serviceState && `Power Platform: ${env.serviceState}`,
      },
    );
    if (ready.state === 'failed') {
      throw new PermanentStepError(
        'dataverse_failed',
        `Power Platform could not create "${name}": ${ready.failureReason ?? 'no reason given'}.`,
      );
    }
    return output(ready);
  },
  async verify(ctx) {
    const name = nameOf(ctx);
    const env = await ctx.platform.powerPlatform.findDataverse(name);
    if (!env) return { ok: false, message: `Power Platform has no environment named "${name}" yet.` };
    if (env.state !== 'ready') return { ok: false, message: `"${name}" is ${env.state}, not ready yet.` };
    return { ok: true, message: `"${name}" is ready at ${env.url}.`, output: output(env) };
  },
});

function nameOf(ctx: KindContext<z.output<typeof schema>>): string {
  return ctx.params.name;
}

function output(env: DataverseEnvironment): Record<string, unknown> {
  return { dataverseUrl: env.url, environmentId: env.id, tenantId: env.tenantId };
}
