import type { Master } from '../ports';
import { connectionOf, stringList } from './runFacts';
import { dualWriteWorkspaceLink } from './dualWriteSteps';
import { findMap, runMapOnce } from './mapRunner';
import type { StepContext, StepModule } from './stepContext';

/**
 * Runs the chosen maps and their prerequisites with initial sync, stage by stage (circular
 * references already broken by the plan), then starts the live maps that depend on them.
 */
export const initialSync: StepModule = {
  kind: 'initialSync',
  async execute(ctx) {
    const { maps, legalEntities, master, enableAfter } = params(ctx);
    const connection = await connectionOf(ctx.run, ctx.platform);
    const total = maps.length + enableAfter.length;
    const synced: string[] = [];
    for (const [index, name] of maps.entries()) {
      const outcome = await runMapOnce(ctx, connection.id, name, {
        initialSync: true,
        master,
        legalEntities,
      });
      if (outcome !== 'not_published') synced.push(name);
      ctx.progress(index + 1, total, 'maps');
    }
    for (const [index, name] of enableAfter.entries()) {
      await runMapOnce(ctx, connection.id, name, { initialSync: false });
      ctx.progress(maps.length + index + 1, total, 'maps');
    }
    return { synced, legalEntities, master };
  },
  async verify(ctx) {
    const { maps } = params(ctx);
    const connection = await connectionOf(ctx.run, ctx.platform);
    const statuses = await ctx.platform.dualWrite.listMaps(connection.id);
    const problems = maps
      .map((name) => ({ name, status: findMap(statuses, name) }))
      .filter(({ status }) => status && status.state !== 'Running')
      .map(
        ({ name, status }) =>
          `${name} is ${status?.state}${status?.lastError ? ` (${status.lastError})` : ''}`,
      );
    return problems.length
      ? { ok: false, message: `${problems.join('; ')}.` }
      : { ok: true, message: 'Every map of the initial sync is running.' };
  },
  manualLink: dualWriteWorkspaceLink,
};

function params(ctx: StepContext): {
  maps: string[];
  legalEntities: string[];
  master: Master;
  enableAfter: string[];
} {
  return {
    maps: stringList(ctx.step.params.maps),
    legalEntities: stringList(ctx.step.params.legalEntities),
    master: ctx.step.params.master === 'financeOps' ? 'financeOps' : 'dataverse',
    enableAfter: stringList(ctx.step.params.enableAfter),
  };
}
