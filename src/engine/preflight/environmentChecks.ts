import { lookupDataverse, lookupFinanceOps } from '../environmentLookup';
import type { DataverseEnvironment, FinanceOpsEnvironment, Platform } from '../ports';
import { environmentsOf, sameUrl } from '../scenarios/environments';
import type { SetupInput } from '../scenarios/scenarioInput';
import type { FindingReport, FoundEnvironment } from './preflightCheck';

// The pair itself: does each environment exist (a new name already taken, an existing URL unknown).
// These read the facts the later checks use; whether the two can be linked (release, tenant) is the
// pair checks' (src/engine/pairChecks/linkHealthChecks.ts).

/** The F&O environment: a new name LCS already has, or an existing one LCS does not know (unified?). */
export async function financeOpsEnvironment(
  input: SetupInput,
  platform: Platform,
  report: FindingReport,
): Promise<FoundEnvironment<FinanceOpsEnvironment>> {
  const ref = environmentsOf(input).financeOps;
  try {
    const env = await lookupFinanceOps(platform, ref);
    if (ref.kind === 'existing') {
      if (!env) await unifiedFinding(platform, input, ref.url, report);
      return { env, url: ref.url };
    }
    if (!env) return { env: null };
    report.add(
      'financeops_exists',
      'warning',
      `Lifecycle Services already has an environment named "${ref.name}" (${env.state}).`,
      'The run will use that environment instead of deploying a new one; choose another name if it is not meant for this setup.',
    );
    return { env, url: env.state === 'deployed' ? env.url : undefined };
  } catch (error) {
    report.unreadable('the Finance and Operations environment in Lifecycle Services', error);
    return { env: null, url: ref.kind === 'existing' ? ref.url : undefined };
  }
}

/**
 * An existing F&O that LCS does not know may be a unified environment (Power Platform admin center):
 * then its Dataverse is its own, its version is managed there, and dual-write is set up in its F&O.
 */
async function unifiedFinding(
  platform: Platform,
  input: SetupInput,
  foUrl: string,
  report: FindingReport,
): Promise<void> {
  const unified = await platform.powerPlatform.findUnifiedEnvironment?.(foUrl).catch(() => null);
  if (!unified) return;
  report.add(
    'financeops_unified',
    'warning',
    `Finance and Operations at ${foUrl} is a unified environment ("${unified.name}"): it is managed in the Power Platform admin center, not Lifecycle Services, and its own Dataverse is ${unified.dataverseUrl}.`,
    'Updates and lifecycle operations happen in the Power Platform admin center; dual-write is set up in F&O, Data management > Dual-write.',
  );
  const chosen = 'dataverseUrl' in input ? input.dataverseUrl : undefined;
  if (chosen && unified.dataverseUrl && !sameUrl(chosen, unified.dataverseUrl)) {
    report.add(
      'unified_other_dataverse',
      'warning',
      `You chose ${chosen}, but this unified environment's Dataverse is ${unified.dataverseUrl}.`,
      'A unified environment is usually linked to its own Dataverse: check that another one is really meant.',
    );
  }
}

/** The Dataverse environment: a new name Power Platform already has, or an existing URL it does not list. */
export async function dataverseEnvironment(
  input: SetupInput,
  platform: Platform,
  report: FindingReport,
): Promise<FoundEnvironment<DataverseEnvironment>> {
  const ref = environmentsOf(input).dataverse;
  try {
    const env = await lookupDataverse(platform, ref);
    if (ref.kind === 'existing') {
      if (!env) {
        // Refused, not warned: an unlisted URL is not an environment of this tenant, and the run
        // would send it the tenant's Dataverse token.
        report.add(
          'dataverse_not_listed',
          'blocking',
          `The Power Platform admin API does not list ${ref.url} for this tenant.`,
          "Check the URL: use the environment URL shown in the Power Platform admin center for one of this tenant's environments.",
        );
      }
      return { env, url: ref.url };
    }
    if (!env) return { env: null };
    report.add(
      'dataverse_exists',
      'warning',
      `Power Platform already has an environment named "${ref.name}" (${env.state}).`,
      'The run will use it instead of creating one; choose another name if it is not meant for this setup.',
    );
    return { env, url: env.state === 'ready' ? env.url : undefined };
  } catch (error) {
    report.unreadable('the Dataverse environment in Power Platform', error);
    return { env: null, url: ref.kind === 'existing' ? ref.url : undefined };
  }
}
