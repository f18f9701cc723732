import { z } from 'zod';
import { connectionOf } from './runEnvironments';
import { ENTITY_MAP_CATALOG } from '../catalog/entityMapCatalog';
import { findMapStatus } from '../catalog/mapIdentity';
import {
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
  DUAL_WRITE_MAPS_SOLUTIONS,
  type DualWritePackage,
} from '../catalog/solutions';
import type { EntityMapStatus } from '../ports';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  environmentUrls,
  listOf,
  numbered,
  openDualWritePage,
  withGateway,
} from './dualWriteSteps';
import { BEFORE_VERIFICATION, defineStep, touchesNothingMore } from './defineStep';
import { PermanentStepError, pollUntil } from './stepContext';

/** Apply Solution: publishes the maps of the installed orchestration packages. */
const PUBLISH_TIMEOUT_MS = 30 * 60_000;

export const applySolution = defineStep({
  kind: 'applySolution',
  params: z.object({}),
  title: 'Apply the dual-write solutions (publish the entity maps)',
  needs: ['linkEnvironments'],
  neededBy: BEFORE_VERIFICATION,
  automatic: withGateway,
  needsApproval: false,
  skippable: false,
  touches: touchesNothingMore,
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const published = await ctx.platform.dualWrite.listMaps(connection.id);
    const applied = new Set(stringsOf(ctx.step.checkpoint?.appliedSolutions));
    const accepted = acceptedOf(ctx.step.checkpoint?.applying);
    // One solution per call, each recorded once the gateway accepted it and again once applied: a
    // resumed step (a crash, a failed wait, or a replica that took the run over) waits on the request
    // it already made, then goes on from the first solution not known to be applied.
    for (const solution of solutionsToApply(published, applied)) {
      await ctx.platform.dualWrite.applySolution(connection.id, [solution], {
        resume: accepted?.solution === solution ? accepted : undefined,
        onAccepted: (_, requestId) => ctx.checkpoint({ applying: { solution, requestId } }),
      });
      applied.add(solution);
      await ctx.checkpoint({ appliedSolutions: [...applied], applying: null });
    }
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
  manual: {
    instructions:
      'In Finance and Operations, Data management > Dual-write, choose Apply solution and select the entity maps solution of every dual-write package. Press Done once the map list is filled.',
    linkForRun: dualWriteWorkspaceLink,
    async forRun(ctx) {
      const { foUrl } = await environmentUrls(ctx);
      return numbered([
        openDualWritePage(foUrl),
        `Choose **Apply solution**, select the entity maps solution of every dual-write package (${listOf(DUAL_WRITE_MAPS_SOLUTIONS)}) and choose Apply.`,
        'Wait until the table map list is filled (it takes a few minutes), then press **Done, verify**.',
      ]);
    },
  },
});

/**
 * The entity maps solutions still to apply (`msdyn_DualWriteAppCoreMaps`, ...: what the gateway lists
 * and applies, not the package anchors), in install order: those after the last package whose maps
 * are published (they are applied in order, so everything before it was applied) and not recorded as
 * applied. Packages without maps in the catalog cannot be told from the map list: they follow the
 * order; a package without a maps solution (HR common tables) has nothing to apply.
 */
export function solutionsToApply(published: EntityMapStatus[], applied: ReadonlySet<string>): string[] {
  const hasMaps = (pkg: DualWritePackage) =>
    ENTITY_MAP_CATALOG.some((map) => map.package === pkg.maps && findMapStatus(published, map.key));
  let last = -1;
  DUAL_WRITE_ORCHESTRATION_PACKAGES.forEach((pkg, index) => {
    if (pkg.maps && hasMaps(pkg)) last = index;
  });
  return DUAL_WRITE_ORCHESTRATION_PACKAGES.slice(last + 1)
    .flatMap((pkg) => (pkg.mapsSolution ? [pkg.mapsSolution] : []))
    .filter((name) => !applied.has(name));
}

const acceptedSchema = z.object({ solution: z.string(), requestId: z.string() });

/** The request the gateway accepted before the step stopped, as checkpointed. */
function acceptedOf(value: unknown): z.infer<typeof acceptedSchema> | undefined {
  const parsed = acceptedSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
