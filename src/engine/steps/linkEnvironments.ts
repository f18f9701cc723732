import { dataverseUrl, financeOpsUrl, stringList } from './runFacts';
import { dualWriteWorkspaceLink } from './dualWriteSteps';
import type { StepContext, StepModule } from './stepContext';

/** Creates the dual-write connection for the legal entities, or completes the one that exists. */
export const linkEnvironments: StepModule = {
  kind: 'linkEnvironments',
  async execute(ctx) {
    const [foUrl, dvUrl] = await urls(ctx);
    const legalEntities = await wantedLegalEntities(ctx, foUrl);
    const existing = await ctx.platform.dualWrite.findConnection(foUrl, dvUrl);
    if (!existing) {
      const created = await ctx.platform.dualWrite.createConnection({
        financeOpsUrl: foUrl,
        dataverseUrl: dvUrl,
        legalEntities,
      });
      return { connectionId: created.id, legalEntities: created.legalEntities };
    }
    const missing = legalEntities.filter((code) => !existing.legalEntities.includes(code));
    const connection = missing.length
      ? await ctx.platform.dualWrite.addLegalEntities(existing.id, missing)
      : existing;
    return { connectionId: connection.id, legalEntities: connection.legalEntities };
  },
  async verify(ctx) {
    const [foUrl, dvUrl] = await urls(ctx);
    const connection = await ctx.platform.dualWrite.findConnection(foUrl, dvUrl);
    if (!connection) return { ok: false, message: 'The environments are not linked yet.' };
    const missing = stringList(ctx.step.params.legalEntities).filter(
      (code) => !connection.legalEntities.includes(code),
    );
    if (missing.length)
      return { ok: false, message: `Linked, but without the legal entities ${missing.join(', ')}.` };
    return {
      ok: true,
      message: `Linked for ${connection.legalEntities.join(', ')}.`,
      output: { connectionId: connection.id, legalEntities: connection.legalEntities },
    };
  },
  manualLink: dualWriteWorkspaceLink,
};

function urls(ctx: StepContext): Promise<[string, string]> {
  return Promise.all([financeOpsUrl(ctx.run, ctx.platform), dataverseUrl(ctx.run, ctx.platform)]);
}

/** The planned legal entities plus the optional ones (DAT) that this F&O instance actually has. */
async function wantedLegalEntities(ctx: StepContext, foUrl: string): Promise<string[]> {
  const required = stringList(ctx.step.params.legalEntities);
  const optional = stringList(ctx.step.params.optionalLegalEntities);
  if (!optional.length) return required;
  const present = new Set(
    (await ctx.platform.financeOps(foUrl).listLegalEntities()).map((e) => e.id.toUpperCase()),
  );
  return [...new Set([...optional.filter((code) => present.has(code)), ...required])];
}
