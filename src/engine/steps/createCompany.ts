import { financeOpsUrl } from './runFacts';
import type { StepContext, StepModule } from './stepContext';

/** Creates the legal entity in F&O unless it exists (codes compared case-insensitively). */
export const createCompany: StepModule = {
  kind: 'createCompany',
  async execute(ctx) {
    const { code, name } = params(ctx);
    const financeOps = ctx.platform.financeOps(await financeOpsUrl(ctx.run, ctx.platform));
    const exists = (await financeOps.listLegalEntities()).some((entity) => entity.id.toUpperCase() === code);
    if (!exists) await financeOps.createLegalEntity({ id: code, name });
    return { code, created: !exists };
  },
  async verify(ctx) {
    const { code } = params(ctx);
    const financeOps = ctx.platform.financeOps(await financeOpsUrl(ctx.run, ctx.platform));
    const exists = (await financeOps.listLegalEntities()).some((entity) => entity.id.toUpperCase() === code);
    return exists
      ? { ok: true, message: `Company ${code} exists in Finance and Operations.`, output: { code } }
      : { ok: false, message: `Finance and Operations has no company ${code} yet.` };
  },
};

function params(ctx: StepContext): { code: string; name: string } {
  return { code: String(ctx.step.params.code).toUpperCase(), name: String(ctx.step.params.name) };
}
