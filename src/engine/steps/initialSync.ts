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
} from './dualWriteSteps';
import { findMap, runMapOnce } from './mapRunner';
import { type StepContext, defineStep, type KindContext } from './stepContext';

// Runs the chosen maps and their prerequisites with initial sync, stage by stage (circular
// references already broken by the plan), then starts the live maps that depend on them.

export const initialSync = defineStep('initialSync', {
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
  manualLink: dualWriteWorkspaceLink,
  async manualInstructions(ctx) {
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
});

function params(ctx: KindContext<'initialSync'>): {
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
