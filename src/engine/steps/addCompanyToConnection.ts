import { connectionOf, stringList } from './runFacts';
import { dualWriteWorkspaceLink } from './dualWriteSteps';
import type { StepModule } from './stepContext';

/** Adds the companies the connection does not have yet. */
export const addCompanyToConnection: StepModule = {
  kind: 'addCompanyToConnection',
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const missing = stringList(ctx.step.params.codes).filter(
      (code) => !connection.legalEntities.includes(code),
    );
    const updated = missing.length
      ? await ctx.platform.dualWrite.addLegalEntities(connection.id, missing)
      : connection;
    return { legalEntities: updated.legalEntities, added: missing };
  },
  async verify(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const missing = stringList(ctx.step.params.codes).filter(
      (code) => !connection.legalEntities.includes(code),
    );
    return missing.length
      ? { ok: false, message: `The connection does not have ${missing.join(', ')} yet.` }
      : {
          ok: true,
          message: `The connection has ${connection.legalEntities.join(', ')}.`,
          output: { legalEntities: connection.legalEntities },
        };
  },
  manualLink: dualWriteWorkspaceLink,
};
