import { sameUrl } from '../scenarios/environments';
import type { PreflightCheck } from './preflightCheck';

// Which links dual-write refuses (docs/domain.md §6): one F&O environment to one Dataverse
// environment, and that Dataverse environment is the F&O environment's Power Platform integration
// environment (Learn dual-write-faq.md, reset.md, enable-power-platform-integration.md). Refused on
// the plan card, before anything changes, with the route that works.

const ROUTES =
  'Dual-write links a Finance and Operations environment only to the Dataverse environment of its Power Platform integration: for a new pairing, set that integration up in Lifecycle Services (Environment details > Power Platform integration; it cannot be undone) or create a unified environment in the Power Platform admin center, which is Finance and Operations and Dataverse in one.';

/** A Dataverse environment integrated with another F&O environment cannot be linked to this one. */
export const integrationEnvironmentCheck: PreflightCheck = {
  name: "the Dataverse environment is the F&O environment's integration environment",
  async run(facts, report) {
    const { platform, financeOps, dataverse } = facts;
    if (!dataverse.url || !dataverse.env) return;
    const read = platform.dataverse(dataverse.url).integrationDetails;
    if (!read) return;
    try {
      const integration = await read();
      if (!integration) return;
      if (financeOps.url && sameUrl(integration.financeOpsUrl, financeOps.url)) return;
      report.add(
        'dataverse_integrated_elsewhere',
        'blocking',
        `Dataverse ${dataverse.url} is the Power Platform integration environment of Finance and Operations ${integration.financeOpsUrl}: dual-write can link it to that environment only.`,
        `Set up dual-write between ${integration.financeOpsUrl} and this Dataverse (an existing Finance and Operations environment), or choose a Dataverse environment without a Finance and Operations integration. ${ROUTES}`,
      );
    } catch (error) {
      report.unreadable('the Power Platform integration of the Dataverse environment', error);
    }
  },
};

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
        `Choose ${linked} as the Dataverse environment to continue that link. ${ROUTES}`,
      );
    } catch (error) {
      report.unreadable('whether Finance and Operations is already linked for dual-write', error);
    }
  },
};
