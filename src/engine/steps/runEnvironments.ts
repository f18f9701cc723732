import { lookupDataverse, lookupFinanceOps } from '../environmentLookup';
import type { Run } from '../model';
import type { DataverseEnvironment, FinanceOpsEnvironment, Platform } from '../ports';
import { environmentsOf } from '../scenarios/environments';
import { PermanentStepError } from './stepContext';
import { outputOf } from './stepOutputs';

// The run's two environments as the steps need them (URLs, admin records, their dual-write
// connection): taken from the input for existing environments, from the provisioning steps' outputs
// for new ones, and otherwise looked up again (so a step still works after a crash that lost nothing
// but in-memory state).

export async function financeOpsUrl(run: Run, platform: Platform): Promise<string> {
  const ref = environmentsOf(run.input).financeOps;
  if (ref.kind === 'existing') return ref.url;
  const fromStep = outputOf(run, 'provisionFinanceOps')?.financeOpsUrl;
  if (typeof fromStep === 'string') return fromStep;
  const unified = await unifiedFinanceOpsUrl(run, platform);
  if (unified) return unified;
  const env = await platform.lifecycle.findFinanceOps(ref.name);
  if (!env || env.state !== 'deployed') {
    throw new PermanentStepError(
      'financeops_not_deployed',
      `The Finance and Operations environment "${ref.name}" is not deployed yet.`,
    );
  }
  return env.url;
}

/** A unified environment's F&O URL, from the environment the provisioning step checkpointed. */
async function unifiedFinanceOpsUrl(run: Run, platform: Platform): Promise<string | undefined> {
  const step = run.steps.find((candidate) => candidate.kind === 'provisionFinanceOps');
  const id = step?.checkpoint?.environmentId;
  if (
    step?.params.home !== 'unified' ||
    typeof id !== 'string' ||
    !platform.powerPlatform.getUnifiedEnvironment
  )
    return undefined;
  const env = await platform.powerPlatform.getUnifiedEnvironment(id);
  return env.state === 'ready' ? env.financeOpsUrl : undefined;
}

/** The F&O environment's LCS metadata (version, tenant), or null when LCS does not know it. */
export async function financeOpsEnvironment(
  run: Run,
  platform: Platform,
): Promise<FinanceOpsEnvironment | null> {
  return lookupFinanceOps(platform, environmentsOf(run.input).financeOps);
}

export async function dataverseEnvironment(
  run: Run,
  platform: Platform,
): Promise<DataverseEnvironment | null> {
  return lookupDataverse(platform, environmentsOf(run.input).dataverse);
}

export async function dataverseUrl(run: Run, platform: Platform): Promise<string> {
  const ref = environmentsOf(run.input).dataverse;
  if (ref.kind === 'existing') return ref.url;
  const fromStep =
    outputOf(run, 'provisionDataverse')?.dataverseUrl ??
    // A unified environment's Dataverse is its own: the provisioning step reports it.
    outputOf(run, 'provisionFinanceOps')?.dataverseUrl;
  if (typeof fromStep === 'string' && fromStep) return fromStep;
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
