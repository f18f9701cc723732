import type { Run } from '../model';
import type { DataverseEnvironment, FinanceOpsEnvironment, Platform } from '../ports';
import { environmentsOf, nameFromUrl, sameUrl } from '../scenarios/environments';
import { PermanentStepError } from './stepContext';

// Facts about the run's two environments that later steps need: taken from the input for existing
// environments, from the provisioning steps' outputs for new ones, and otherwise looked up again
// (so a step still works after a crash that lost nothing but in-memory state).

export function outputOf(run: Run, kind: string): Record<string, unknown> | undefined {
  return run.steps.find((step) => step.kind === kind && step.status === 'succeeded')?.output;
}

export async function financeOpsUrl(run: Run, platform: Platform): Promise<string> {
  const ref = environmentsOf(run.input).financeOps;
  if (ref.kind === 'existing') return ref.url;
  const fromStep = outputOf(run, 'provisionFinanceOps')?.financeOpsUrl;
  if (typeof fromStep === 'string') return fromStep;
  const env = await platform.lifecycle.findFinanceOps(ref.name);
  if (!env || env.state !== 'deployed') {
    throw new PermanentStepError(
      'financeops_not_deployed',
      `The Finance and Operations environment "${ref.name}" is not deployed yet.`,
    );
  }
  return env.url;
}

/** The F&O environment's LCS metadata (version, tenant), or null when LCS does not know it. */
export async function financeOpsEnvironment(
  run: Run,
  platform: Platform,
): Promise<FinanceOpsEnvironment | null> {
  const ref = environmentsOf(run.input).financeOps;
  if (ref.kind === 'new') return platform.lifecycle.findFinanceOps(ref.name);
  const env = await platform.lifecycle.findFinanceOps(nameFromUrl(ref.url)).catch(() => null);
  return env && sameUrl(env.url, ref.url) ? env : null;
}

export async function dataverseEnvironment(
  run: Run,
  platform: Platform,
): Promise<DataverseEnvironment | null> {
  const ref = environmentsOf(run.input).dataverse;
  if (ref.kind === 'new') return platform.powerPlatform.findDataverse(ref.name);
  const env = await platform.powerPlatform.findDataverse(nameFromUrl(ref.url)).catch(() => null);
  return env && sameUrl(env.url, ref.url) ? env : null;
}

export async function dataverseUrl(run: Run, platform: Platform): Promise<string> {
  const ref = environmentsOf(run.input).dataverse;
  if (ref.kind === 'existing') return ref.url;
  const fromStep = outputOf(run, 'provisionDataverse')?.dataverseUrl;
  if (typeof fromStep === 'string') return fromStep;
  const env = await platform.powerPlatform.findDataverse(ref.name);
  if (!env || env.state !== 'ready') {
    throw new PermanentStepError(
      'dataverse_not_ready',
      `The Dataverse environment "${ref.name}" is not ready yet.`,
    );
  }
  return env.url;
}

/** The connection of the run's pair, or a permanent failure naming the missing link. */
export async function connectionOf(run: Run, platform: Platform) {
  const [foUrl, dvUrl] = await Promise.all([financeOpsUrl(run, platform), dataverseUrl(run, platform)]);
  const connection = await platform.dualWrite.findConnection(foUrl, dvUrl);
  if (!connection) {
    throw new PermanentStepError('not_linked', 'The environments are not linked for dual-write yet.');
  }
  return connection;
}

export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
