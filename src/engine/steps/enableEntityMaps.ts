import { z } from 'zod';
import { connectionOf } from './runEnvironments';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  environmentUrls,
  listOf,
  mapsNotRunning,
  numbered,
  openDualWritePage,
  withGateway,
} from './dualWriteSteps';
import { findMap, runMapOnce } from './mapRunner';
import { BEFORE_VERIFICATION, defineStep } from './defineStep';

/** Runs the planned maps for live sync, in dependency order, each once. */
export const enableEntityMaps = defineStep({
  kind: 'enableEntityMaps',
  params: z.object({ maps: z.array(z.string()) }),
  title: 'Run the entity maps for live synchronization',
  needs: ['applySolution'],
  neededBy: BEFORE_VERIFICATION,
  automatic: withGateway,
  needsApproval: false,
  skippable: false,
  touches: ({ maps }) => `${maps.length} maps for live sync`,
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const maps = ctx.params.maps;
    const running: string[] = [];
    for (const [index, name] of maps.entries()) {
      await runMapOnce(ctx, connection.id, name, { initialSync: false });
      running.push(name);
      ctx.progress(index + 1, maps.length, 'maps');
    }
    return { running };
  },
  async verify(ctx) {
    const found = await connectionToVerify(ctx);
    if ('result' in found) return found.result;
    const maps = ctx.params.maps;
    const statuses = await ctx.platform.dualWrite.listMaps(found.connection.id);
    if (!statuses.length)
      return { ok: false, message: 'The table map list is blank: run Apply Solution first.' };
    const notRunning = mapsNotRunning(statuses, maps);
    return notRunning.length
      ? {
          ok: false,
          message: `${notRunning.length} of ${maps.length} maps are not running yet: ${notRunning.join(', ')}.`,
        }
      : {
          ok: true,
          message: `Every planned map is running (${maps.length}).`,
          output: { running: maps.filter((name) => findMap(statuses, name)) },
        };
  },
  manual: {
    instructions:
      'In Finance and Operations, Data management > Dual-write, select the maps listed (in that order) and choose Run without initial sync. Press Done once they show Running.',
    linkForRun: dualWriteWorkspaceLink,
    async forRun(ctx) {
      const { foUrl } = await environmentUrls(ctx);
      const maps = ctx.params.maps;
      return numbered([
        openDualWritePage(foUrl),
        `Run these ${maps.length} table maps one at a time, in this order (each one's lookups come before it): ${listOf(maps)}.`,
        'For each: select it, choose **Run**, leave **Initial sync** cleared, and choose Run. When the pane offers related table maps, leave them to their turn in the list.',
        'Press **Done, verify** once every one of them shows Running.',
      ]);
    },
  },
});
