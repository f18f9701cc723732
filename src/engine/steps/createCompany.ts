import { z } from 'zod';
import { escapeMarkdown } from '../markdownText';
import { numbered } from './dualWriteSteps';
import { financeOpsUrl } from './runEnvironments';
import { BEFORE_VERIFICATION, defineStep, type KindContext } from './defineStep';

/** Creates the legal entity in F&O unless it exists (codes compared case-insensitively). */
const schema = z.object({ code: z.string(), name: z.string() });

export const createCompany = defineStep({
  kind: 'createCompany',
  params: schema,
  title: 'Create the company in Finance and Operations',
  // A company is created in F&O itself: it needs the deployed F&O, not the link.
  needs: ['provisionFinanceOps'],
  neededBy: BEFORE_VERIFICATION,
  automatic: (c) => c.createLegalEntity,
  needsApproval: false,
  skippable: false,
  manual: {
    instructions:
      'In Finance and Operations, go to Organization administration > Organizations > Legal entities, choose New and create the company with the code and name shown. Press Done afterwards.',
    linkForRun: (ctx) => financeOpsUrl(ctx.run, ctx.platform).catch(() => undefined),
    async forRun(ctx) {
      const { code, name } = params(ctx);
      const url = await financeOpsUrl(ctx.run, ctx.platform);
      return numbered([
        `In Finance and Operations (${url}), go to Organization administration > Organizations > Legal entities.`,
        `Choose **New**, enter Company ${code} and Name ${escapeMarkdown(name)}, pick the country/region and choose **OK**.`,
        'Press **Done, verify**: the bot looks the company up through OData.',
      ]);
    },
  },
  touches: ({ code, name }) => `company ${code} (${name})`,
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
});

function params(ctx: KindContext<z.output<typeof schema>>): { code: string; name: string } {
  return { code: ctx.params.code.toUpperCase(), name: ctx.params.name };
}
