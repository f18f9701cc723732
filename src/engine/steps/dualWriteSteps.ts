import { financeOpsUrl } from './runFacts';
import type { StepContext } from './stepContext';

/**
 * The F&O dual-write workspace, where every gateway step is done by hand when the gateway is off.
 * [inferred] menu item name; verify on a live tenant.
 */
export async function dualWriteWorkspaceLink(ctx: StepContext): Promise<string | undefined> {
  const url = await financeOpsUrl(ctx.run, ctx.platform).catch(() => undefined);
  return url ? `${url}/?mi=DualWriteWorkspace` : undefined;
}
