import { z } from 'zod';
import { DUAL_WRITE_CORE_SOLUTION, DUAL_WRITE_ORCHESTRATION_SOLUTIONS } from '../catalog/solutions';
import type { ApplicationPackage } from '../ports';
import { dataverseEnvironment, dataverseUrl } from './runEnvironments';
import { outputOf } from './stepOutputs';
import {
  BEFORE_VERIFICATION,
  defineStep,
  onEveryPlatform,
  touchesNothingMore,
  type KindContext,
} from './defineStep';
import { PermanentStepError, pollUntil, type StepContext } from './stepContext';

// Installs the dual-write core solution and orchestration packages that are not installed yet, one
// at a time, persisting each install operation id so a resume polls it instead of installing again.
// What is there already is read from the application packages list, never assumed: a unified
// environment's ERP template pre-installs DualWriteCoreAnchor and msdyn_DualWriteAppCoreAnchor (Finance,
// SCM) or all six (Project Operations) (power-platform unified-environment-types-and-templates.md), and
// those are reported as `alreadyInstalled`, not installed again.

const INSTALL_TIMEOUT_MS = 2 * 3600_000;

export const installDualWriteSolutions = defineStep({
  kind: 'installDualWriteSolutions',
  params: z.object({ packages: z.array(z.string()) }),
  title: 'Install the dual-write core solution and the application orchestration packages',
  // The solutions go into the Dataverse environment: a new one must exist first.
  needs: ['provisionDataverse'],
  neededBy: BEFORE_VERIFICATION,
  automatic: onEveryPlatform,
  needsApproval: false,
  skippable: false,
  touches: touchesNothingMore,
  async execute(ctx) {
    const environmentId = await environmentIdOf(ctx);
    const wanted = ctx.params.packages;
    const listed = await ctx.platform.powerPlatform.listPackages(environmentId);
    const alreadyInstalled = wanted.filter((name) =>
      listed.some((pkg) => pkg.uniqueName.toLowerCase() === name.toLowerCase() && pkg.state === 'installed'),
    );
    const installed: string[] = [];
    for (const uniqueName of wanted) {
      const current = (await ctx.platform.powerPlatform.listPackages(environmentId)).find(
        (pkg) => pkg.uniqueName.toLowerCase() === uniqueName.toLowerCase(),
      );
      if (!current) {
        throw new PermanentStepError(
          'package_unavailable',
          `The application package ${uniqueName} is not offered for this environment.`,
        );
      }
      if (current.state === 'installed') continue;
      const operations = (ctx.step.checkpoint?.operations ?? {}) as Record<string, string>;
      let operationId = current.state === 'installing' ? operations[uniqueName] : undefined;
      if (current.state !== 'installing') {
        const operation = await ctx.platform.powerPlatform.installPackage(environmentId, uniqueName);
        operationId = operation.id;
        await ctx.checkpoint({ operations: { ...operations, [uniqueName]: operation.id } });
      }
      await waitInstalled(ctx, environmentId, uniqueName, operationId);
      installed.push(uniqueName);
    }
    return { environmentId, installed, alreadyInstalled };
  },
  async verify(ctx) {
    const url = await dataverseUrl(ctx.run, ctx.platform);
    const solutions = (await ctx.platform.dataverse(url).listSolutions()).map((s) =>
      s.uniqueName.toLowerCase(),
    );
    const missing = [DUAL_WRITE_CORE_SOLUTION, ...DUAL_WRITE_ORCHESTRATION_SOLUTIONS].filter(
      (name) => !solutions.includes(name.toLowerCase()),
    );
    return missing.length
      ? { ok: false, message: `Still missing in Dataverse: ${missing.join(', ')}.` }
      : { ok: true, message: 'The dual-write solutions are installed.' };
  },
});

async function environmentIdOf(ctx: KindContext<unknown>): Promise<string> {
  const fromStep =
    outputOf(ctx.run, 'provisionDataverse')?.environmentId ??
    // A unified environment: F&O and Dataverse are the one environment the provisioning step made.
    (outputOf(ctx.run, 'provisionFinanceOps')?.home === 'unified'
      ? outputOf(ctx.run, 'provisionFinanceOps')?.environmentId
      : undefined);
  if (typeof fromStep === 'string') return fromStep;
  const env = await dataverseEnvironment(ctx.run, ctx.platform);
  if (!env) {
    throw new PermanentStepError(
      'dataverse_environment_unknown',
      'The Power Platform admin API does not list this Dataverse environment, so its packages cannot be installed. Check the URL, or install the dual-write packages in the admin center and retry.',
    );
  }
  return env.id;
}

async function waitInstalled(
  ctx: StepContext,
  environmentId: string,
  uniqueName: string,
  operationId: string | undefined,
): Promise<void> {
  if (operationId) {
    const id = operationId;
    const operation = await pollUntil(
      ctx,
      () => ctx.platform.powerPlatform.getPackageOperation(environmentId, id),
      (op) => op.status !== 'running',
      {
        timeoutMs: INSTALL_TIMEOUT_MS,
        what: `the installation of ${uniqueName}`,
        status: (op) => op.serviceState && `Power Platform: ${uniqueName} ${op.serviceState}`,
      },
    );
    if (operation.status === 'failed') {
      throw new PermanentStepError(
        'install_failed',
        `Installing ${uniqueName} failed: ${operation.error ?? 'no reason given'}.`,
      );
    }
    return;
  }
  // Installing, but the operation id was lost in a crash: watch the package itself.
  const pkg = await pollUntil<ApplicationPackage | undefined>(
    ctx,
    async () =>
      (await ctx.platform.powerPlatform.listPackages(environmentId)).find((p) => p.uniqueName === uniqueName),
    (p) => !p || p.state !== 'installing',
    { timeoutMs: INSTALL_TIMEOUT_MS, what: `the installation of ${uniqueName}` },
  );
  if (pkg?.state !== 'installed') {
    throw new PermanentStepError('install_failed', `Installing ${uniqueName} failed.`);
  }
}
