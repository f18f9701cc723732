import type { DualWriteConnection, EntityMapStatus, MapState, PlatformCapabilities } from '../ports';
import { dataverseUrl, financeOpsUrl } from './runEnvironments';
import { findMap } from './mapRunner';
import type { StepContext, VerificationResult } from './stepContext';

// What the dual-write steps share when the admin does them by hand in F&O (gateway off): the way
// to the Dual-write page, the run's two URLs, and readings of map states for verification messages.

/**
 * The F&O Data management workspace, whose Dual-write tile holds every gateway step done by hand
 * when the gateway is off. `DM_DataManagementWorkspaceMenuItem` is the documented menu item
 * (requirements-and-prerequisites.md); no public page names a menu item of the Dual-write page itself.
 */
export const DATA_MANAGEMENT_MENU_ITEM = 'DM_DataManagementWorkspaceMenuItem';

export async function dualWriteWorkspaceLink(ctx: StepContext): Promise<string | undefined> {
  const url = await financeOpsUrl(ctx.run, ctx.platform).catch(() => undefined);
  return url ? `${url}/?mi=${DATA_MANAGEMENT_MENU_ITEM}` : undefined;
}

export async function environmentUrls(ctx: StepContext): Promise<{ foUrl: string; dvUrl: string }> {
  const [foUrl, dvUrl] = await Promise.all([
    financeOpsUrl(ctx.run, ctx.platform),
    dataverseUrl(ctx.run, ctx.platform),
  ]);
  return { foUrl, dvUrl };
}

/** The first instruction of every dual-write step done in F&O. */
export function openDualWritePage(foUrl: string): string {
  return `In Finance and Operations (${foUrl}), open Workspaces > Data management and select the Dual-write tile (or use the button below).`;
}

/** Numbered instructions, one paragraph each (Adaptive Card markdown). */
export function numbered(lines: string[]): string {
  return lines.map((line, index) => `${index + 1}. ${line}`).join('\n\n');
}

export function listOf(items: readonly string[]): string {
  return items.length ? items.join(', ') : '(none)';
}

/**
 * The connection of the run's pair for a verification: read through the port, and when there is
 * none, the failed result that says what to do, instead of an error.
 */
export async function connectionToVerify(
  ctx: StepContext,
): Promise<{ connection: DualWriteConnection } | { result: VerificationResult }> {
  const { foUrl, dvUrl } = await environmentUrls(ctx);
  const connection = await ctx.platform.dualWrite.findConnection(foUrl, dvUrl);
  if (connection) return { connection };
  return {
    result: {
      ok: false,
      message: `Finance and Operations shows no dual-write link to ${dvUrl} yet: link the environments first (Data management > Dual-write > Link to Dataverse environment, with the dual-write solutions selected). Finance and Operations shows a link through OData only once its maps are published.`,
    },
  };
}

const STATE_LABELS: Record<MapState, string> = {
  NotRunning: 'Not running',
  InitialSync: 'Initializing',
  Running: 'Running',
  Paused: 'Paused',
  Stopped: 'Stopped',
};

/**
 * The maps among `names` (keys, `<table> - <name>`) that do not run, each with its state and last
 * error, e.g. "transactioncurrencies - Currencies (Not running: Couldn't resolve ...)". A map the
 * connection does not list is not running either: it is named as not found.
 */
export function mapsNotRunning(statuses: EntityMapStatus[], names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const status = findMap(statuses, name);
    if (!status) return [`${name} (not found: Apply Solution did not publish it)`];
    if (status.state === 'Running') return [];
    const error = status.lastError ? `: ${status.lastError}` : '';
    return [`${name} (${STATE_LABELS[status.state]}${error})`];
  });
}

/** For `automatic`: the steps the dual-write gateway does (done by hand in F&O when it is off). */
export const withGateway = (capabilities: PlatformCapabilities): boolean => capabilities.dualWriteGateway;
