import { sameUrl } from '../scenarios/environments';
import { LINK_ROUTES } from '../pairChecks/integrationCheck';
import type { PreflightCheck } from './preflightCheck';

// Which links dual-write refuses (docs/domain.md §6): one F&O environment to one Dataverse
// environment, and that Dataverse environment is the F&O environment's Power Platform integration
// environment (Learn dual-write-faq.md, reset.md, enable-power-platform-integration.md; that side is
// the pair checks' integrationCheck.ts). Refused on the plan card, before anything changes.

/** An F&O environment linked to another Dataverse environment cannot take a second link. */
export const financeOpsLinkCheck: PreflightCheck = {
  name: 'the F&O environment is not linked to another Dataverse environment',
  async run({ platform, financeOps, dataverse }, report) {
    const read = platform.dualWrite.linkedDataverse;
    if (!financeOps.url || !read) return;
    try {
      const linked = await read(financeOps.url);
      if (!linked || (dataverse.url && sameUrl(linked, dataverse.url))) return;
      report.add(
        'financeops_linked_elsewhere',
        'blocking',
        `Finance and Operations ${financeOps.url} is already linked for dual-write to Dataverse ${linked}: one Finance and Operations environment links to one Dataverse environment.`,
        `Choose ${linked} as the Dataverse environment to continue that link. ${LINK_ROUTES}`,
      );
    } catch (error) {
      report.unreadable('whether Finance and Operations is already linked for dual-write', error);
    }
  },
};
