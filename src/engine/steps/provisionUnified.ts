import type { ErpTemplate, UnifiedEnvironment, UnifiedEnvironmentType } from '../ports';
import { nameFromUrl, sameUrl } from '../scenarios/environments';
import { UNIFIED_HOST_MAX } from '../scenarios/scenarioInput';
import { PermanentStepError, pollUntil, type StepContext, type VerificationResult } from './stepContext';

// The new F&O of a unified environment (provisionFinanceOps with `home: 'unified'`): created with an
// ERP template, or the provisioning app installed into the existing Dataverse environment. Both take
// about an hour (the provisioning app's install); the environment id is checkpointed before waiting, so
// a resume polls instead of creating again. Documented refusals are checked before anything changes.

const PROVISION_TIMEOUT_MS = 6 * 3600_000;

interface UnifiedParams {
  name?: string;
  intoDataverseUrl?: string;
  demoData: boolean;
  template: ErpTemplate;
  environmentType: UnifiedEnvironmentType;
}

export function isUnifiedStep(ctx: StepContext): boolean {
  return ctx.step.params.home === 'unified';
}

function params(ctx: StepContext): UnifiedParams {
  const p = ctx.step.params;
  return {
    name: typeof p.name === 'string' ? p.name : undefined,
    intoDataverseUrl: typeof p.intoDataverseUrl === 'string' ? p.intoDataverseUrl : undefined,
    demoData: p.demoData === true,
    template: (typeof p.template === 'string' ? p.template : 'D365_FinOps_Finance') as ErpTemplate,
    environmentType: (typeof p.environmentType === 'string'
      ? p.environmentType
      : 'sandbox') as UnifiedEnvironmentType,
  };
}

function api(ctx: StepContext) {
  const pp = ctx.platform.powerPlatform;
  if (!pp.createUnifiedEnvironment || !pp.getUnifiedEnvironment || !pp.installFinanceOpsApp)
    throw new PermanentStepError('not_supported', 'This platform cannot create unified environments.');
  return {
    follow: pp.followUnifiedCreation?.bind(pp),
    create: pp.createUnifiedEnvironment.bind(pp),
    get: pp.getUnifiedEnvironment.bind(pp),
    install: pp.installFinanceOpsApp.bind(pp),
  };
}

export async function executeUnified(ctx: StepContext): Promise<Record<string, unknown>> {
  const p = params(ctx);
  const { get, install } = api(ctx);
  let id =
    typeof ctx.step.checkpoint?.environmentId === 'string' ? ctx.step.checkpoint.environmentId : undefined;
  let env: UnifiedEnvironment;
  if (p.intoDataverseUrl) {
    const target = await existingTarget(ctx, p.intoDataverseUrl);
    id = target.id;
    await ctx.checkpoint({ environmentId: id });
    env = await pollUntil(
      ctx,
      () => install(target.id, { demoData: p.demoData }),
      (e) => e.state !== 'provisioning',
      {
        timeoutMs: PROVISION_TIMEOUT_MS,
        what: 'the Finance and Operations provisioning app',
      },
    );
  } else {
    if (!id) {
      id = await createdEnvironmentId(ctx, p);
      await ctx.checkpoint({ environmentId: id });
    }
    const envId = id;
    env = await pollUntil(
      ctx,
      () => get(envId),
      (e) => e.state !== 'provisioning',
      {
        timeoutMs: PROVISION_TIMEOUT_MS,
        what: `the unified environment "${p.name}"`,
      },
    );
  }
  if (env.state === 'failed')
    throw new PermanentStepError(
      'unified_failed',
      `The Power Platform could not provision finance and operations: ${env.failureReason ?? 'no reason given'}. Fix it in the Power Platform admin center, then retry.`,
    );
  return output(env);
}

/**
 * The new environment's id: found by name after a crash between create and checkpoint; else created,
 * and while the create's lifecycle operation runs (the id is known only once it has Succeeded), that
 * operation is checkpointed and followed.
 */
async function createdEnvironmentId(ctx: StepContext, p: UnifiedParams): Promise<string> {
  const { create, follow } = api(ctx);
  let operation =
    typeof ctx.step.checkpoint?.operation === 'string' ? ctx.step.checkpoint.operation : undefined;
  if (!operation) {
    const found = await ctx.platform.powerPlatform.findDataverse(p.name as string);
    if (found) return found.id;
    const created = await create({
      name: p.name as string,
      template: p.template,
      type: p.environmentType,
      demoData: p.demoData,
    });
    if (created.id) return created.id;
    operation = created.operation;
    if (!operation || !follow)
      throw new PermanentStepError(
        'unified_failed',
        'The Power Platform named no environment for the create.',
      );
    await ctx.checkpoint({ operation });
  }
  if (!follow) throw new PermanentStepError('not_supported', 'This platform cannot follow the creation.');
  const op = operation;
  const env = await pollUntil(
    ctx,
    () => follow(op),
    (e) => e.state !== 'provisioning' || e.id !== '',
    { timeoutMs: PROVISION_TIMEOUT_MS, what: `the creation of "${p.name}"` },
  );
  if (env.state === 'failed' || !env.id)
    throw new PermanentStepError(
      'unified_failed',
      `The Power Platform could not create "${p.name}": ${env.failureReason ?? 'no reason given'}. Fix it in the Power Platform admin center, then retry.`,
    );
  return env.id;
}

export async function verifyUnified(ctx: StepContext): Promise<VerificationResult> {
  const id = ctx.step.checkpoint?.environmentId;
  if (typeof id !== 'string') return { ok: false, message: 'No unified environment was created yet.' };
  const env = await api(ctx).get(id);
  if (env.state !== 'ready') return { ok: false, message: `"${env.name}" is ${env.state}, not ready yet.` };
  return { ok: true, message: `"${env.name}" is ready: F&O at ${env.financeOpsUrl}.`, output: output(env) };
}

/**
 * The existing environment the provisioning app goes into, after the documented refusals: not
 * Production, a host name of at most 19 characters (the platform refuses an LCS-linked one itself).
 */
async function existingTarget(ctx: StepContext, url: string): Promise<UnifiedEnvironment> {
  const pp = ctx.platform.powerPlatform;
  const byName = await pp.findDataverse(nameFromUrl(url));
  const found = byName && sameUrl(byName.url, url) ? byName : ((await pp.findDataverseByUrl?.(url)) ?? null);
  if (!found || !sameUrl(found.url, url))
    throw new PermanentStepError(
      'dataverse_environment_unknown',
      `The Power Platform admin API does not list ${url}.`,
    );
  const env = await api(ctx).get(found.id);
  if (env.environmentSku.toLowerCase() === 'production')
    throw new PermanentStepError(
      'production_not_supported',
      'The Finance and Operations provisioning app installs only into a Sandbox or Trial environment; this one is Production.',
    );
  const host = hostLabel(url);
  if (host.length > UNIFIED_HOST_MAX)
    throw new PermanentStepError(
      'host_name_too_long',
      `The Dataverse host name "${host}" has ${host.length} characters; the provisioning app needs at most ${UNIFIED_HOST_MAX}. Edit the environment URL in the Power Platform admin center first.`,
    );
  return env;
}

/** The org's host label (`contoso` of contoso.crm.dynamics.com; the last path segment on the emulator). */
export function hostLabel(url: string): string {
  return nameFromUrl(url);
}

function output(env: UnifiedEnvironment): Record<string, unknown> {
  return {
    home: 'unified',
    environmentId: env.id,
    financeOpsUrl: env.financeOpsUrl,
    dataverseUrl: env.dataverseUrl,
    tenantId: env.tenantId,
    environmentSku: env.environmentSku,
  };
}
