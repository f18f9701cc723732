import type {
  DataverseEnvironment,
  FinanceOpsEnvironment,
  Platform,
  UnifiedEnvironment,
} from '../engine/ports';
import { hostName, isUrl, message, type DoctorReport, type DoctorTarget } from './doctorCheck';

// Where each environment of the pair lives: the F&O environment in Lifecycle Services or the Power
// Platform admin center (a unified environment), the Dataverse environment in the Power Platform.

export interface FoundPair {
  foUrl: string;
  dvUrl: string;
  dvEnv: DataverseEnvironment | null;
}

/**
 * LCS answers with a refusal of its own when it is not configured at all (`not_supported`), or when
 * AZURE_AUTH=obo keeps it for an admin's own token (`admin_needed`, src/platform/adminOnly.ts).
 */
const notConfigured = (error: unknown) =>
  ['not_supported', 'admin_needed'].includes((error as { code?: unknown }).code as string);

/** The F&O URL ('' when unknown) and its Lifecycle Services record (the pair checks read its release). */
export async function financeOpsDoctor(
  platform: Platform,
  target: DoctorTarget,
  report: DoctorReport,
): Promise<{ foUrl: string; foEnv: FinanceOpsEnvironment | null }> {
  let foUrl = isUrl(target.financeOps) ? target.financeOps : '';
  let foEnv: FinanceOpsEnvironment | null = null;
  let lcsError: unknown;
  try {
    foEnv = await platform.lifecycle.findFinanceOps(
      isUrl(target.financeOps) ? hostName(target.financeOps) : target.financeOps,
    );
  } catch (error) {
    lcsError = error;
  }
  const unified = foEnv ? null : await findUnified(platform, target.financeOps).catch(() => null);
  if (foEnv) {
    foUrl ||= foEnv.url;
    report.add('lcs.environment', 'ok', `${foEnv.name}: ${foEnv.state} at ${foEnv.url}.`);
    report.add('financeOps.home', 'ok', 'Lifecycle Services (an LCS project environment).');
    return { foUrl, foEnv };
  }
  if (unified) {
    foUrl ||= unified.financeOpsUrl;
    report.add(
      'lcs.environment',
      'ok',
      'Not in LCS: a unified environment is managed in the Power Platform admin center.',
    );
    report.add(
      'financeOps.home',
      'ok',
      `Unified environment "${unified.name}" in the Power Platform admin center (no LCS): F&O ${unified.financeOpsUrl || 'not provisioned yet'}, Dataverse ${unified.dataverseUrl}.`,
    );
    return { foUrl, foEnv: null };
  }
  if (lcsError && notConfigured(lcsError))
    report.add('lcs.environment', 'not-checkable', `Not checkable: ${message(lcsError)}`);
  else if (lcsError)
    report.add(
      'lcs.environment',
      'blocker',
      `Lifecycle Services did not answer: ${message(lcsError)}`,
      'LCS takes delegated user tokens only: sign in as a project user (AZURE_AUTH=default) and check LCS_API_URL and LCS_PROJECT_ID; or name a unified environment.',
    );
  else
    report.add(
      'lcs.environment',
      'ok',
      `LCS lists no environment ${target.financeOps} (a unified environment is not in LCS).`,
    );
  if (foUrl)
    report.add(
      'financeOps.home',
      'ok',
      'Neither LCS nor the Power Platform lists this F&O: checked by URL only.',
    );
  else
    report.add(
      'financeOps.home',
      'blocker',
      `Neither LCS nor the Power Platform knows an F&O environment ${target.financeOps}.`,
      'Check the name (the LCS environment name, or the unified environment name in the Power Platform admin center), or pass the F&O URL.',
    );
  return { foUrl, foEnv: null };
}

export async function dataverseDoctor(
  platform: Platform,
  target: DoctorTarget,
  report: DoctorReport,
): Promise<{ dvUrl: string; dvEnv: DataverseEnvironment | null }> {
  let dvUrl = isUrl(target.dataverse) ? target.dataverse : '';
  const name = isUrl(target.dataverse) ? hostName(target.dataverse) : target.dataverse;
  try {
    const dvEnv =
      (await platform.powerPlatform.findDataverse(name)) ??
      (dvUrl ? ((await platform.powerPlatform.findDataverseByUrl?.(dvUrl)) ?? null) : null);
    if (dvEnv) {
      dvUrl ||= dvEnv.url;
      report.add(
        'token.powerPlatform',
        'ok',
        `The Power Platform admin API lists ${dvEnv.name} (${dvEnv.state}).`,
      );
    } else if (dvUrl)
      report.add(
        'token.powerPlatform',
        'ok',
        `The Power Platform admin API answered; it lists no environment ${name}.`,
      );
    else
      report.add(
        'token.powerPlatform',
        'blocker',
        `No Dataverse environment ${name}.`,
        'Check the name, or pass the org URL.',
      );
    return { dvUrl, dvEnv };
  } catch (error) {
    report.add(
      'token.powerPlatform',
      'blocker',
      message(error),
      'Grant the bot Power Platform administrator access (or sign in as one).',
    );
    return { dvUrl, dvEnv: null };
  }
}

/** The unified environment of an F&O given by URL or by environment name. */
async function findUnified(platform: Platform, financeOps: string): Promise<UnifiedEnvironment | null> {
  const pp = platform.powerPlatform;
  if (isUrl(financeOps)) return (await pp.findUnifiedEnvironment?.(financeOps)) ?? null;
  const env = await pp.findDataverse(financeOps);
  if (!env || !pp.getUnifiedEnvironment) return null;
  const unified = await pp.getUnifiedEnvironment(env.id);
  return unified.financeOpsUrl ? unified : null;
}
