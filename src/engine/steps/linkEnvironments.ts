import { dataverseUrl, financeOpsUrl } from './runEnvironments';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  listOf,
  numbered,
  openDualWritePage,
} from './dualWriteSteps';
import { defineStep, type KindContext } from './stepContext';

/** Creates the dual-write connection for the legal entities, or completes the one that exists. */
export const linkEnvironments = defineStep('linkEnvironments', {
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
    const [, dvUrl] = await urls(ctx);
    const found = await connectionToVerify(ctx);
    if ('result' in found) return found.result;
    const { connection } = found;
    const missing = ctx.params.legalEntities.filter((code) => !connection.legalEntities.includes(code));
    if (missing.length)
      return {
        ok: false,
        message: `Linked to ${dvUrl}, but without the legal entities ${missing.join(', ')}: add them under Environment details > Legal entities > Add legal entity.`,
      };
    return {
      ok: true,
      message: `Linked to ${dvUrl} for ${connection.legalEntities.join(', ')}.`,
      output: { connectionId: connection.id, legalEntities: connection.legalEntities },
    };
  },
  manualLink: dualWriteWorkspaceLink,
  async manualInstructions(ctx) {
    const [foUrl, dvUrl] = await urls(ctx);
    const legalEntities = await wantedLegalEntities(ctx, foUrl).catch(() => ctx.params.legalEntities);
    return numbered([
      openDualWritePage(foUrl),
      `Choose **Link to Dataverse environment** and pick the Dataverse environment ${dvUrl}.`,
      `Select the legal entities ${listOf(legalEntities)} and choose Next.`,
      'Wait until every health check passes (a failure names what to fix), then choose **Create**.',
      'Press **Done, verify**: the bot reads the link back from Finance and Operations.',
    ]);
  },
});

function urls(ctx: KindContext<'linkEnvironments'>): Promise<[string, string]> {
  return Promise.all([financeOpsUrl(ctx.run, ctx.platform), dataverseUrl(ctx.run, ctx.platform)]);
}

/** The planned legal entities plus the optional ones (DAT) that this F&O instance actually has. */
async function wantedLegalEntities(ctx: KindContext<'linkEnvironments'>, foUrl: string): Promise<string[]> {
  const required = ctx.params.legalEntities;
  const optional = ctx.params.optionalLegalEntities;
  if (!optional.length) return required;
  const present = new Set(
    (await ctx.platform.financeOps(foUrl).listLegalEntities()).map((e) => e.id.toUpperCase()),
  );
  return [...new Set([...optional.filter((code) => present.has(code)), ...required])];
}
