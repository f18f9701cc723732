import { sameUrl } from '../scenarios/environments';
import { unreadable, verdict, type PairCheck } from './pairCheck';

// Which Dataverse environment an F&O environment can be linked to (docs/domain.md §6): the one of its
// Power Platform integration, as Dataverse's RetrieveFinanceAndOperationsIntegrationDetails answers
// (Learn enable-power-platform-integration.md, dual-write-faq.md, reset.md). The same answer tells a
// unified environment: the Power Platform lists it with this F&O as its own.

export const LINK_ROUTES =
  'Dual-write links a Finance and Operations environment only to the Dataverse environment of its Power Platform integration: for a new pairing, set that integration up in Lifecycle Services (Environment details > Power Platform integration; it cannot be undone) or create a unified environment in the Power Platform admin center, which is Finance and Operations and Dataverse in one.';

export const integrationEnvironmentCheck: PairCheck = {
  name: 'financeOps.integrationEnvironment',
  async run({ platform, dataverseUrl, financeOpsUrl, newFinanceOps }) {
    const read = platform.dataverse(dataverseUrl!).integrationDetails;
    if (!read)
      return [
        verdict(
          this.name,
          'not-checkable',
          'Not checkable: this platform does not read RetrieveFinanceAndOperationsIntegrationDetails.',
        ),
      ];
    let integration;
    try {
      integration = await read();
    } catch (error) {
      return [unreadable(this.name, 'the Power Platform integration of the Dataverse environment', error)];
    }
    if (!integration)
      return [
        verdict(
          this.name,
          'setup-will-do',
          `Dataverse ${dataverseUrl} has no Finance and Operations integration yet.`,
          'Linking makes it the integration environment of this F&O (in live mode: Lifecycle Services, Environment details > Power Platform integration, before the link).',
          { doneBy: 'linkEnvironments' },
        ),
      ];
    if (financeOpsUrl && sameUrl(integration.financeOpsUrl, financeOpsUrl)) {
      const unified = await platform.powerPlatform.findUnifiedEnvironment?.(financeOpsUrl).catch(() => null);
      const kind =
        unified?.dataverseUrl && sameUrl(unified.dataverseUrl, dataverseUrl!)
          ? `a unified environment ("${unified.name}"): F&O and Dataverse in one`
          : 'its Power Platform integration environment';
      return [
        verdict(this.name, 'ok', `Dataverse ${dataverseUrl} is ${kind} of ${integration.financeOpsUrl}.`),
      ];
    }
    // The doctor asked about a Dataverse environment alone: its integration is a fact, not a fault.
    if (!financeOpsUrl && !newFinanceOps)
      return [
        verdict(
          this.name,
          'ok',
          `Dataverse ${dataverseUrl} is the integration environment of ${integration.financeOpsUrl}.`,
        ),
      ];
    return [
      verdict(
        this.name,
        'blocker',
        `Dataverse ${dataverseUrl} is the Power Platform integration environment of Finance and Operations ${integration.financeOpsUrl}: dual-write can link it to that environment only.`,
        `Set up dual-write between ${integration.financeOpsUrl} and this Dataverse (an existing Finance and Operations environment), or choose a Dataverse environment without a Finance and Operations integration. ${LINK_ROUTES}`,
        { code: 'dataverse_integrated_elsewhere' },
      ),
    ];
  },
};
