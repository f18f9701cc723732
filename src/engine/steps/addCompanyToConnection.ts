import { connectionOf } from './runEnvironments';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  environmentUrls,
  listOf,
  numbered,
  openDualWritePage,
} from './dualWriteSteps';
import { defineStep } from './stepContext';

/** Adds the companies the connection does not have yet. */
export const addCompanyToConnection = defineStep('addCompanyToConnection', {
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const missing = ctx.params.codes.filter((code) => !connection.legalEntities.includes(code));
    const updated = missing.length
      ? await ctx.platform.dualWrite.addLegalEntities(connection.id, missing)
      : connection;
    return { legalEntities: updated.legalEntities, added: missing };
  },
  async verify(ctx) {
    const found = await connectionToVerify(ctx);
    if ('result' in found) return found.result;
    const { connection } = found;
    const missing = ctx.params.codes.filter((code) => !connection.legalEntities.includes(code));
    return missing.length
      ? {
          ok: false,
          message: `The dual-write connection does not have ${missing.join(', ')} yet (it has ${listOf(connection.legalEntities)}).`,
        }
      : {
          ok: true,
          message: `The connection has ${connection.legalEntities.join(', ')}.`,
          output: { legalEntities: connection.legalEntities },
        };
  },
  manualLink: dualWriteWorkspaceLink,
  async manualInstructions(ctx) {
    const { foUrl } = await environmentUrls(ctx);
    return numbered([
      openDualWritePage(foUrl),
      'Choose **Environment details** and open the **Legal entities** tab.',
      `Choose **Add legal entity**, add ${listOf(ctx.params.codes)} and choose **Save**.`,
      'Press **Done, verify**.',
    ]);
  },
});
