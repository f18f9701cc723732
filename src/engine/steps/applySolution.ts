import { connectionOf } from './runFacts';
import { DUAL_WRITE_ORCHESTRATION_SOLUTIONS } from '../catalog/solutions';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  environmentUrls,
  listOf,
  numbered,
  openDualWritePage,
} from './dualWriteSteps';
import { PermanentStepError, pollUntil, defineStep } from './stepContext';

/** Apply Solution: publishes the maps of the installed orchestration packages. */
const PUBLISH_TIMEOUT_MS = 30 * 60_000;

export const applySolution = defineStep('applySolution', {
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    if (!connection.solutionApplied) await ctx.platform.dualWrite.applySolution(connection.id);
    const maps = await pollUntil(
      ctx,
      () => ctx.platform.dualWrite.listMaps(connection.id),
      (list) => list.length > 0,
      { timeoutMs: PUBLISH_TIMEOUT_MS, what: 'the entity maps to be published' },
    ).catch((error: unknown) => {
      if (error instanceof Error && error.name === 'TransientStepError') {
        throw new PermanentStepError(
          'blank_map_list',
          'Apply Solution ran but the map list is still blank. Check that the orchestration packages are installed, run Apply Solution again in F&O, then retry.',
        );
      }
      throw error;
    });
    return { maps: maps.length };
  },
  async verify(ctx) {
    const found = await connectionToVerify(ctx);
    if ('result' in found) return found.result;
    const maps = await ctx.platform.dualWrite.listMaps(found.connection.id);
    if (!found.connection.solutionApplied || maps.length === 0) {
      return {
        ok: false,
        message:
          'The table map list is still blank: Apply Solution has not run or not finished. Choose Apply solution, select every orchestration solution, and wait until the maps are listed.',
      };
    }
    return { ok: true, message: `${maps.length} entity maps are published.`, output: { maps: maps.length } };
  },
  manualLink: dualWriteWorkspaceLink,
  async manualInstructions(ctx) {
    const { foUrl } = await environmentUrls(ctx);
    return numbered([
      openDualWritePage(foUrl),
      `Choose **Apply solution**, select every dual-write application orchestration solution (${listOf(DUAL_WRITE_ORCHESTRATION_SOLUTIONS)}) and choose Apply.`,
      'Wait until the table map list is filled (it takes a few minutes), then press **Done, verify**.',
    ]);
  },
});
