import { isAdminNeeded } from './adminNeeded';
import type { DataverseEnvironment, FinanceOpsEnvironment, Platform } from './ports';
import { nameFromUrl, sameUrl, type EnvironmentRef } from './scenarios/environments';

// Finding an environment of the input in the admin APIs. A new one is looked up by the name the bot
// gives it; an existing one by the name its URL suggests, checked against the URL, because that read
// is cheap. Used by the pre-flight and by the steps (after a crash they look again).

/** The F&O environment's LCS record (version, tenant), or null when LCS does not know it. */
export async function lookupFinanceOps(
  platform: Platform,
  ref: EnvironmentRef,
): Promise<FinanceOpsEnvironment | null> {
  if (ref.kind === 'new') return platform.lifecycle.findFinanceOps(ref.name);
  // An unknown environment is no error (a unified one is not in LCS), but a look-up that waits for an
  // admin (AZURE_AUTH=obo) is: the step runs it again with that admin's rights.
  const env = await platform.lifecycle.findFinanceOps(nameFromUrl(ref.url)).catch((error: unknown) => {
    if (isAdminNeeded(error)) throw error;
    return null;
  });
  return env && sameUrl(env.url, ref.url) ? env : null;
}

/** The Dataverse environment's Power Platform record, or null when the admin API does not list it. */
export async function lookupDataverse(
  platform: Platform,
  ref: EnvironmentRef,
): Promise<DataverseEnvironment | null> {
  if (ref.kind === 'new') return platform.powerPlatform.findDataverse(ref.name);
  const byName = await platform.powerPlatform.findDataverse(nameFromUrl(ref.url)).catch(() => null);
  if (byName && sameUrl(byName.url, ref.url)) return byName;
  // A display name need not match the org's host: look it up by URL where the platform can.
  return (await platform.powerPlatform.findDataverseByUrl?.(ref.url).catch(() => null)) ?? null;
}
