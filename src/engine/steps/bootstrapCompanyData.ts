import type { Company, DataversePort } from '../ports';
import { dataverseUrl } from './runEnvironments';
import { stringList } from './stepOutputs';
import {
  PermanentStepError,
  TransientStepError,
  pollUntil,
  type StepContext,
  defineStep,
  type KindContext,
} from './stepContext';

// Bootstrapping (docs/domain.md §4): stamps every company-less row of the chosen tables with the company.
// The lookup is read-only once saved, so this step always waits for an approval showing the rows
// per table. Resumable: the port only selects rows still without a company, and the per-table
// baselines persisted before the first stamp keep the progress figure honest across a crash.

const COMPANY_TIMEOUT_MS = 30 * 60_000;

export const bootstrapCompanyData = defineStep('bootstrapCompanyData', {
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

function params(ctx: KindContext<'bootstrapCompanyData'>): { code: string; tables: string[] } {
  return {
    code: ctx.params.companyCode.toUpperCase(),
    tables: ctx.params.tables,
  };
}

async function dataverseOf(ctx: KindContext<'bootstrapCompanyData'>): Promise<DataversePort> {
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
