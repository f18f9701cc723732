import { z } from 'zod';
import type { Company, DataversePort } from '../ports';
import { dataverseUrl } from './runEnvironments';
import { stringList } from './stepOutputs';
import { PermanentStepError, TransientStepError, pollUntil, type StepContext } from './stepContext';
import { BEFORE_VERIFICATION, defineStep, onEveryPlatform, type KindContext } from './defineStep';
import { tableName } from '../catalog/tableNames';

// Bootstrapping (docs/domain.md §4): stamps every company-less row of the chosen tables with the company.
// The lookup is read-only once saved, so this step always waits for an approval showing the rows
// per table. Resumable: the port only selects rows still without a company, and the per-table
// baselines persisted before the first stamp keep the progress figure honest across a crash.

const COMPANY_TIMEOUT_MS = 30 * 60_000;

/**
 * What the stamp does while the maps run (docs/domain.md §4): the supported-scenarios order
 * bootstraps with dual-write in live sync, so each stamp is a live write to F&O, bound by the
 * live-sync limits of sync-limits.md.
 */
export const LIVE_WRITES_TEXT =
  "Dual-write is running, so each stamped row is written to Finance and Operations at once, through the table map of its table (the order of Microsoft's supported setup scenarios). Live sync has limits: at most 1,000 records and 2 minutes per transaction, and Finance and Operations may throttle writes by priority.";
/**
 * Above this many rows the bootstrap FAQ's order is offered (Legal entities only, bootstrap, then the
 * other maps with initial sync): [inferred] threshold, a tenth of initial sync's 500,000 rows per legal
 * entity (initial-sync-guidance.md), so that live writes stay the smaller path.
 */
export const LIVE_BOOTSTRAP_ROWS = 50_000;
export const BULK_ORDER_ADVICE =
  "For this many rows, Microsoft's bootstrap guidance orders it differently: run only the Legal entities map, bootstrap, then run the other maps with initial sync. If Finance and Operations should not take these as live writes, reject, then review the setup again and choose that order on the plan card.";

/**
 * The bootstrap FAQ's order (docs/domain.md §4): only Legal entities runs, so the stamps are no live
 * writes; the maps of the tables carry the rows to F&O with the initial sync after the bootstrap.
 */
export const BULK_ORDER_TEXT =
  "Only the Legal entities map is running (the order of Microsoft's bootstrap guidance): the stamped rows are not written to Finance and Operations now; the maps of these tables bring them there with the initial sync that follows.";

const schema = z.object({
  companyCode: z.string(),
  tables: z.array(z.string()),
  /** `live`: the maps run while rows are stamped; `bulk`: only Legal entities does (scenarioInput.ts). */
  order: z.enum(['live', 'bulk']).default('live'),
});
type Params = z.output<typeof schema>;

export const bootstrapCompanyData = defineStep({
  kind: 'bootstrapCompanyData',
  params: schema,
  title: 'Bootstrap the existing Dataverse rows with the company',
  // The company's cdm_companies row comes from the running Legal entities map and the added company.
  needs: ['addCompanyToConnection', 'enableEntityMaps', 'initialSync'],
  neededBy: BEFORE_VERIFICATION,
  automatic: onEveryPlatform,
  // The company of a row cannot be changed afterwards: a person decides.
  needsApproval: true,
  skippable: true,
  touches: ({ companyCode, tables, order }, { tableNames }) =>
    `company ${companyCode} on ${tables.map((table) => tableName(table, tableNames)).join(', ')}; ${order === 'bulk' ? 'only Legal entities runs: the rows reach Finance and Operations with the initial sync after it' : 'each stamped row is a live write to Finance and Operations'}`,
  async approvalSummary(ctx) {
    const { code, tables } = params(ctx);
    const dataverse = await dataverseOf(ctx);
    const rowsPerTable: Record<string, number> = {};
    for (const table of tables) rowsPerTable[table] = await dataverse.countRowsWithoutCompany(table);
    const totalRows = Object.values(rowsPerTable).reduce((sum, rows) => sum + rows, 0);
    return {
      companyCode: code,
      rowsPerTable,
      totalRows,
      warning: `Each row gets company ${code}; the company of a row cannot be changed afterwards (delete and re-create only).`,
      liveWrites: ctx.params.order === 'bulk' ? BULK_ORDER_TEXT : LIVE_WRITES_TEXT,
      ...(ctx.params.order !== 'bulk' && totalRows > LIVE_BOOTSTRAP_ROWS
        ? { volumeAdvice: BULK_ORDER_ADVICE }
        : {}),
    };
  },
  async execute(ctx) {
    const { code, tables } = params(ctx);
    const dataverse = await dataverseOf(ctx);
    const company = await waitForCompany(ctx, dataverse, code);
    const checkpoint = ctx.step.checkpoint ?? {};
    let baselines = (checkpoint.baselines ?? {}) as Record<string, { ofCompany: number; toStamp: number }>;
    if (Object.keys(baselines).length < tables.length) {
      baselines = { ...baselines };
      for (const table of tables) {
        if (baselines[table]) continue;
        const [ofCompany, toStamp] = await Promise.all([
          dataverse.countRowsOfCompany(table, company.id),
          dataverse.countRowsWithoutCompany(table),
        ]);
        baselines[table] = { ofCompany, toStamp };
      }
      await ctx.checkpoint({ baselines, companyId: company.id });
    }
    const total = tables.reduce((sum, table) => sum + baselines[table].toStamp, 0);
    const tablesDone = stringList(checkpoint.tablesDone);
    const stampedBefore = async (table: string) =>
      Math.max(0, (await dataverse.countRowsOfCompany(table, company.id)) - baselines[table].ofCompany);
    let doneBefore = 0;
    for (const table of tables) {
      if (tablesDone.includes(table)) {
        doneBefore += baselines[table].toStamp;
        continue;
      }
      const already = await stampedBefore(table);
      ctx.progress(doneBefore + already, total, 'rows');
      await dataverse.stampRowsWithCompany(table, company.id, {
        signal: ctx.signal,
        onProgress: (p) => ctx.progress(Math.min(total, doneBefore + already + p.done), total, 'rows'),
      });
      const remaining = await dataverse.countRowsWithoutCompany(table);
      if (remaining > 0) {
        throw new TransientStepError('rows_left', `${remaining} rows of ${table} still have no company.`);
      }
      doneBefore += baselines[table].toStamp;
      tablesDone.push(table);
      await ctx.checkpoint({ tablesDone: [...tablesDone] });
      ctx.progress(doneBefore, total, 'rows');
    }
    const stamped: Record<string, number> = {};
    for (const table of tables) stamped[table] = await stampedBefore(table);
    const rowsStamped = Object.values(stamped).reduce((sum, rows) => sum + rows, 0);
    return { companyId: company.id, companyCode: code, stamped, rowsStamped };
  },
  async verify(ctx) {
    const { tables } = params(ctx);
    const dataverse = await dataverseOf(ctx);
    const left: string[] = [];
    for (const table of tables) {
      const rows = await dataverse.countRowsWithoutCompany(table);
      if (rows > 0) left.push(`${rows} rows of ${table}`);
    }
    return left.length
      ? { ok: false, message: `Still without a company: ${left.join(', ')}.` }
      : { ok: true, message: 'Every row of the chosen tables has a company.' };
  },
});

function params(ctx: KindContext<Params>): { code: string; tables: string[] } {
  return {
    code: ctx.params.companyCode.toUpperCase(),
    tables: ctx.params.tables,
  };
}

async function dataverseOf(ctx: KindContext<Params>): Promise<DataversePort> {
  return ctx.platform.dataverse(await dataverseUrl(ctx.run, ctx.platform));
}

/** The company row comes from the running Legal entities map, a little after the company is linked. */
async function waitForCompany(ctx: StepContext, dataverse: DataversePort, code: string): Promise<Company> {
  const company = await pollUntil(
    ctx,
    () => dataverse.findCompany(code),
    (c) => c !== null,
    {
      timeoutMs: COMPANY_TIMEOUT_MS,
      what: `company ${code} to appear in Dataverse (cdm_companies)`,
    },
  ).catch((error: unknown) => {
    if (error instanceof TransientStepError) {
      throw new PermanentStepError(
        'company_missing',
        `Company ${code} is not in Dataverse (cdm_companies). Check that it is linked and that the Legal entities map runs, then retry.`,
      );
    }
    throw error;
  });
  return company as Company;
}
