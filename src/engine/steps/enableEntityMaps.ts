import { connectionOf, stringList } from './runFacts';
import { dualWriteWorkspaceLink } from './dualWriteSteps';
import { findMap, runMapOnce } from './mapRunner';
import type { StepModule } from './stepContext';

/** Runs the planned maps for live sync, in dependency order, each once. */
export const enableEntityMaps: StepModule = {
  kind: 'enableEntityMaps',
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const maps = stringList(ctx.step.params.maps);
    const running: string[] = [];
    const unpublished: string[] = [];
    for (const [index, name] of maps.entries()) {
      const outcome = await runMapOnce(ctx, connection.id, name, { initialSync: false });
      (outcome === 'not_published' ? unpublished : running).push(name);
      ctx.progress(index + 1, maps.length, 'maps');
    }
    return { running, unpublished };
  },
  async verify(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const statuses = await ctx.platform.dualWrite.listMaps(connection.id);
    const notRunning = stringList(ctx.step.params.maps).filter((name) => {
      const status = findMap(statuses, name);
      return status && status.state !== 'Running';
    });
    return notRunning.length
      ? { ok: false, message: `Not running yet: ${notRunning.join(', ')}.` }
      : { ok: true, message: 'Every planned map is running.' };
  },
  manualLink: dualWriteWorkspaceLink,
};
