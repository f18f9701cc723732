import { z } from 'zod';
import { connectionOf } from './runEnvironments';
import {
  connectionToVerify,
  dualWriteWorkspaceLink,
  environmentUrls,
  listOf,
  numbered,
  openDualWritePage,
} from './dualWriteSteps';
import { BEFORE_VERIFICATION, defineStep } from './defineStep';

// Adds companies as Environment details > Add legal entity does (docs/domain.md §7; Learn
// edit-legal-entity.md): the maps keep running, and running or paused maps write the new companies'
// rows unless their initial writes are skipped. Never Reset: it stops nothing and clears the maps,
// their keys, the legal entity mapping and the sync history (reset.md). No public API adds a legal
// entity, so the step is the admin's wherever the link is (only the emulator stands in for the dialog).

/** Adds the companies the connection does not have yet. */
export const addCompanyToConnection = defineStep({
  kind: 'addCompanyToConnection',
  params: z.object({ codes: z.array(z.string()), skipInitialWrites: z.boolean().default(false) }),
  title: 'Add the companies to the dual-write connection',
  needs: ['linkEnvironments', 'createCompany', 'enableEntityMaps', 'initialSync'],
  neededBy: BEFORE_VERIFICATION,
  automatic: (c) => c.dualWriteGateway && c.linkDualWrite,
  needsApproval: false,
  skippable: false,
  touches: ({ codes, skipInitialWrites }) =>
    `companies ${codes.join(', ')} (Add legal entity: the maps keep running${skipInitialWrites ? ', initial writes skipped' : ' and write their rows for them'}; no Reset)`,
  async execute(ctx) {
    const connection = await connectionOf(ctx.run, ctx.platform);
    const missing = ctx.params.codes.filter((code) => !connection.legalEntities.includes(code));
    const updated = missing.length
      ? await ctx.platform.dualWrite.addLegalEntities(connection.id, missing, {
          skipInitialWrites: ctx.params.skipInitialWrites,
        })
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
  manual: {
    instructions:
      'In Finance and Operations, Data management > Dual-write, choose Environment details, open the Legal entities tab, choose Add legal entity, add the companies shown and choose Save (leave "Skip initial writes for newly added legal entities" cleared). Do not use Reset: it clears the table maps. Press Done afterwards.',
    linkForRun: dualWriteWorkspaceLink,
    async forRun(ctx) {
      const { foUrl } = await environmentUrls(ctx);
      return numbered([
        openDualWritePage(foUrl),
        'Choose **Environment details** and open the **Legal entities** tab. The maps keep running: do not stop them, and do not use **Reset** (it clears the table maps and their history).',
        `Choose **Add legal entity**, add ${listOf(ctx.params.codes)}, ${
          ctx.params.skipInitialWrites
            ? 'select **Skip initial writes for newly added legal entities**'
            : 'leave **Skip initial writes for newly added legal entities** cleared (the running maps then copy their rows)'
        } and choose **Save**. Adding fails while a map shows **Initial writes**: wait until it finishes.`,
        'Press **Done, verify**.',
      ]);
    },
  },
});
