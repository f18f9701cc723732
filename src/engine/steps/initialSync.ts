import { z } from 'zod';
import { findEntityMap } from '../catalog/entityMapCatalog';
import type { Master } from '../ports';
import { connectionOf, dataverseUrl, financeOpsUrl } from './runEnvironments';
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
import { findMap, inPrerequisiteOrder, runMapOnce } from './mapRunner';
import type { StepContext } from './stepContext';
import { BEFORE_VERIFICATION, defineStep, type KindContext, type PlanFacts } from './defineStep';

// Runs the chosen maps and their prerequisites with initial sync, stage by stage (circular
// references already broken by the plan) and in the gateway's prerequisite sequence, each from
// Stopped after a refresh of its tables (DualWritePort.runMap), then starts the live maps that
// depend on them.

const names = z.array(z.string());
const schema = z.object({
  maps: names,
  /** The same maps in dependency stages (each stage needs only earlier ones), for the preview. */
  stages: z.array(names).default([]),
  /** Maps synced before the map their lookups point to (a documented circular reference). */
  deferred: z.array(z.object({ map: z.string(), lookupTo: z.string() })).default([]),
  legalEntities: names,
  master: z.enum(['dataverse', 'financeOps']).default('dataverse'),
  /** Maps that depend on the synced ones: enabled once the initial sync ran. */
  enableAfter: names.default([]),
});
export type InitialSyncParams = z.output<typeof schema>;

export const initialSync = defineStep({
  kind: 'initialSync',
  params: schema,
  title: 'Initial sync of the chosen entities',
  needs: ['enableEntityMaps', 'addCompanyToConnection', 'bootstrapCompanyData'],
  neededBy: BEFORE_VERIFICATION,
  automatic: withGateway,
  needsApproval: false,
  skippable: true,
  touches: syncTouches,
  async execute(ctx) {
    const { legalEntities, master, enableAfter } = params(ctx);
    const connection = await connectionOf(ctx.run, ctx.platform);
    const maps = await inPrerequisiteOrder(ctx, connection.id, ctx.params.maps, ctx.params.deferred);
    const total = maps.length + enableAfter.length;
    const synced: string[] = [];
    for (const [index, name] of maps.entries()) {
      await runMapOnce(ctx, connection.id, name, { initialSync: true, master, legalEntities });
      synced.push(name);
      ctx.progress(index + 1, total, 'maps');
    }
    for (const [index, name] of enableAfter.entries()) {
      await runMapOnce(ctx, connection.id, name, { initialSync: false });
      ctx.progress(maps.length + index + 1, total, 'maps');
    }
    return {
      synced,
      legalEntities,
      master,
      rowsSynced: await rowsOnTarget(ctx, synced, legalEntities, master),
    };
  },
  async verify(ctx) {
    const { maps, legalEntities, master, enableAfter } = params(ctx);
    const found = await connectionToVerify(ctx);
    if ('result' in found) return found.result;
    const statuses = await ctx.platform.dualWrite.listMaps(found.connection.id);
    if (!statuses.length)
      return { ok: false, message: 'The table map list is blank: run Apply Solution first.' };
    const synced = mapsNotRunning(statuses, maps);
    const live = mapsNotRunning(statuses, enableAfter);
    const problems = [
      ...(synced.length ? [`not synced and running yet: ${synced.join(', ')}`] : []),
      ...(live.length ? [`not running yet (run without initial sync): ${live.join(', ')}`] : []),
    ];
    if (problems.length) return { ok: false, message: `Initial sync: ${problems.join('; ')}.` };
    const done = maps.filter((name) => findMap(statuses, name));
    return {
      ok: true,
      message: 'Every map of the initial sync is running.',
      output: {
        synced: done,
        legalEntities,
        master,
        rowsSynced: await rowsOnTarget(ctx, done, legalEntities, master),
      },
    };
  },
  manual: {
    instructions:
      'In Finance and Operations, Data management > Dual-write, run the maps shown in the order shown with Initial sync on, for the companies and master shown. Press Done once they show Running.',
    linkForRun: dualWriteWorkspaceLink,
    async forRun(ctx) {
      const { maps, legalEntities, master, enableAfter } = params(ctx);
      const { foUrl } = await environmentUrls(ctx);
      return numbered([
        openDualWritePage(foUrl),
        `Run these table maps one at a time, in this order: ${listOf(maps)}.`,
        `For each: select it, choose **Run**, select **Initial sync**, set the master to ${master === 'financeOps' ? 'Finance and Operations apps' : 'Dataverse'}, and choose Run for the legal entities ${listOf(legalEntities)}. Wait until it shows Running before the next one: its lookups need the earlier maps' rows.`,
        ...(enableAfter.length ? [`Then run these without initial sync: ${listOf(enableAfter)}.`] : []),
        'Press **Done, verify** once all of them show Running; a map back at Not running shows its error here.',
      ]);
    },
  },
});

function params(ctx: KindContext<InitialSyncParams>): {
  maps: string[];
  legalEntities: string[];
  master: Master;
  enableAfter: string[];
} {
  return {
    maps: ctx.params.maps,
    legalEntities: ctx.params.legalEntities,
    master: ctx.params.master,
    enableAfter: ctx.params.enableAfter,
  };
}

/** The maps in stages (prerequisites named), the companies and which side wins a conflict. */
function syncTouches(params: InitialSyncParams, { chosenMaps }: PlanFacts): string {
  const added = params.maps.filter((map) => !chosenMaps.includes(map.toLowerCase()));
  const deferred = params.deferred.map(({ map }) => map);
  return [
    params.stages.length
      ? `in order: ${params.stages.map((stage) => stage.join(', ')).join(' → ')}`
      : `maps: ${params.maps.join(', ')}`,
    added.length ? `prerequisite maps added: ${added.join(', ')}` : '',
    deferred.length ? `circular lookups filled in a later stage: ${deferred.join(', ')}` : '',
    `companies ${params.legalEntities.join(', ')}`,
    `conflict winner in initial sync: ${params.master === 'financeOps' ? 'Finance and Operations' : 'Dataverse'}`,
  ]
    .filter(Boolean)
    .join(' · ');
}

/**
 * Rows of the synced company-specific tables now on the receiving side (Dataverse when F&O is the
 * master, F&O otherwise), for the completion notice. Informational: a failed count is logged, not fatal.
 */
async function rowsOnTarget(
  ctx: StepContext,
  maps: string[],
  legalEntities: string[],
  master: Master,
): Promise<number> {
  try {
    const tables = maps.map(findEntityMap).filter((map) => map?.companySpecific);
    let rows = 0;
    if (master === 'financeOps') {
      const dataverse = ctx.platform.dataverse(await dataverseUrl(ctx.run, ctx.platform));
      for (const code of legalEntities) {
        const company = await dataverse.findCompany(code);
        if (!company) continue;
        for (const map of tables)
          rows += await dataverse.countRowsOfCompany(map!.dataverseEntitySet, company.id);
      }
    } else {
      const financeOps = ctx.platform.financeOps(await financeOpsUrl(ctx.run, ctx.platform));
      for (const code of legalEntities) {
        for (const map of tables)
          rows += await financeOps.countRows(map!.financeOpsEntitySet, code, map!.financeOpsCompanyField);
      }
    }
    return rows;
  } catch (error) {
    ctx.logger?.warn({ err: (error as Error).message }, 'could not count the synced rows');
    return 0;
  }
}
