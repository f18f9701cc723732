import { z } from 'zod';
import { dataverseUrl, financeOpsUrl } from './runEnvironments';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  listOf,
  numbered,
  openDualWritePage,
} from './dualWriteSteps';
import { BEFORE_VERIFICATION, defineStep, type KindContext } from './defineStep';

/** Creates the dual-write connection for the legal entities, or completes the one that exists. */
const names = z.array(z.string());
const schema = z.object({ legalEntities: names, optionalLegalEntities: names.default([]) });
type Params = z.output<typeof schema>;

export const linkEnvironments = defineStep({
  kind: 'linkEnvironments',
  params: schema,
  title: 'Link the environments for dual-write',
  needs: ['checkPrerequisites', 'installDualWriteSolutions'],
  neededBy: BEFORE_VERIFICATION,
  // The gateway has no public create: linked through an API only on the emulator.
  automatic: (c) => c.dualWriteGateway && c.linkDualWrite,
  needsApproval: false,
  skippable: false,
  touches: ({ legalEntities }) => `companies ${legalEntities.join(', ')}`,
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
  manual: {
    instructions:
      'In Finance and Operations, open Data management > Dual-write, choose Link to Dataverse environment, pick the Dataverse environment and the legal entities shown, select the dual-write solutions when the wizard offers them, and finish the wizard (its health checks must pass). Press Done afterwards: the bot reads the link back from the published maps, so it sees the link once maps are listed.',
    linkForRun: dualWriteWorkspaceLink,
    async forRun(ctx) {
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
  },
});

function urls(ctx: KindContext<Params>): Promise<[string, string]> {
  return Promise.all([financeOpsUrl(ctx.run, ctx.platform), dataverseUrl(ctx.run, ctx.platform)]);
}

/** The planned legal entities plus the optional ones (DAT) that this F&O instance actually has. */
async function wantedLegalEntities(ctx: KindContext<Params>, foUrl: string): Promise<string[]> {
  const required = ctx.params.legalEntities;
  const optional = ctx.params.optionalLegalEntities;
  if (!optional.length) return required;
  const present = new Set(
    (await ctx.platform.financeOps(foUrl).listLegalEntities()).map((e) => e.id.toUpperCase()),
  );
  return [...new Set([...optional.filter((code) => present.has(code)), ...required])];
}
