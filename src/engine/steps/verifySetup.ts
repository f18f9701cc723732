import { z } from 'zod';
import { DUAL_WRITE_CORE_SOLUTION } from '../catalog/solutions';
import { connectionOf, dataverseUrl } from './runEnvironments';
import { findMap } from './mapRunner';
import { defineStep, onEveryPlatform, paramsOf, touchesNothingMore, type KindContext } from './defineStep';
import { enableEntityMaps } from './enableEntityMaps';
import { initialSync } from './initialSync';
import { PermanentStepError, type VerificationResult } from './stepContext';

/** The end state docs/domain.md §2 describes, read back through the APIs: the final word of a run. */
const names = z.array(z.string());
const schema = z.object({
  legalEntities: names,
  companyCode: z.string().optional(),
  bootstrapTables: names.default([]),
});

export const verifySetup = defineStep({
  kind: 'verifySetup',
  params: schema,
  title: 'Verify the dual-write setup',
  // Every other kind names it in `neededBy`: it waits for all of the plan.
  needs: [],
  neededBy: [],
  automatic: onEveryPlatform,
  needsApproval: false,
  skippable: true,
  touches: touchesNothingMore,
  async execute(ctx) {
    const result = await check(ctx);
    if (!result.ok) throw new PermanentStepError('verification_failed', result.message);
    return result.output ?? {};
  },
  verify: check,
});

async function check(ctx: KindContext<z.output<typeof schema>>): Promise<VerificationResult> {
  const problems: string[] = [];
  const connection = await connectionOf(ctx.run, ctx.platform);
  const legalEntities = ctx.params.legalEntities;
  const missing = legalEntities.filter((code) => !connection.legalEntities.includes(code));
  if (missing.length) problems.push(`The connection lacks ${missing.join(', ')}.`);
  if (!connection.solutionApplied) problems.push('Apply Solution has not run.');

  const statuses = await ctx.platform.dualWrite.listMaps(connection.id);
  const expected = ctx.run.steps
    .filter(
      (step) =>
        step.status === 'succeeded' && (step.kind === 'enableEntityMaps' || step.kind === 'initialSync'),
    )
    .flatMap((step) => {
      const enabled = paramsOf(enableEntityMaps, step);
      const synced = paramsOf(initialSync, step);
      return [...(enabled?.maps ?? []), ...(synced?.maps ?? []), ...(synced?.enableAfter ?? [])];
    });
  const notRunning = expected.filter((name) => {
    const status = findMap(statuses, name);
    return status && status.state !== 'Running';
  });
  if (notRunning.length) problems.push(`Not running: ${notRunning.join(', ')}.`);

  const dataverse = ctx.platform.dataverse(await dataverseUrl(ctx.run, ctx.platform));
  const solutions = (await dataverse.listSolutions()).map((s) => s.uniqueName.toLowerCase());
  if (!solutions.includes(DUAL_WRITE_CORE_SOLUTION.toLowerCase()))
    problems.push('The dual-write core solution is missing.');

  const stamped: Record<string, number> = {};
  const companyCode = ctx.params.companyCode;
  const bootstrapped = ctx.run.steps.some(
    (step) => step.kind === 'bootstrapCompanyData' && step.status === 'succeeded',
  );
  if (companyCode) {
    const company = await dataverse.findCompany(companyCode);
    if (!company) problems.push(`Company ${companyCode} is not in Dataverse.`);
    if (company && bootstrapped) {
      for (const table of ctx.params.bootstrapTables) {
        const left = await dataverse.countRowsWithoutCompany(table);
        if (left > 0) problems.push(`${left} rows of ${table} still have no company.`);
        stamped[table] = await dataverse.countRowsOfCompany(table, company.id);
      }
    }
  }
  if (problems.length) return { ok: false, message: problems.join(' ') };
  return {
    ok: true,
    message: `Dual-write runs for ${connection.legalEntities.join(', ')} with ${statuses.filter((s) => s.state === 'Running').length} maps running.`,
    output: {
      legalEntities: connection.legalEntities,
      mapsRunning: statuses.filter((s) => s.state === 'Running').map((s) => s.name),
      rowsOfCompany: stamped,
    },
  };
}
