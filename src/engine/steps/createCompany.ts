import { numbered } from './dualWriteSteps';
import { financeOpsUrl } from './runEnvironments';
import { defineStep, type KindContext } from './stepContext';

/** Creates the legal entity in F&O unless it exists (codes compared case-insensitively). */
export const createCompany = defineStep('createCompany', {
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
      : {
          ok: false,
          message: `Finance and Operations has no legal entity ${code} yet (Organization administration > Organizations > Legal entities).`,
        };
  },
  async manualLink(ctx) {
    return financeOpsUrl(ctx.run, ctx.platform).catch(() => undefined);
  },
  async manualInstructions(ctx) {
    const { code, name } = params(ctx);
    const url = await financeOpsUrl(ctx.run, ctx.platform);
    return numbered([
      `In Finance and Operations (${url}), go to Organization administration > Organizations > Legal entities.`,
      `Choose **New**, enter Company ${code} and Name ${name}, pick the country/region and choose **OK**.`,
      'Press **Done, verify**: the bot looks the company up through OData.',
    ]);
  },
});

function params(ctx: KindContext<'createCompany'>): { code: string; name: string } {
  return { code: ctx.params.code.toUpperCase(), name: ctx.params.name };
}
