import { compareVersions, MIN_PLATFORM_VERSION } from '../catalog/solutions';
import { catalogFix, verdict, type PairCheck } from './pairCheck';

// What the health check of "New link to environment" asks of the two environments' admin records
// (Learn requirements-and-prerequisites.md, dual-write-troubleshooting-initial-setup.md:
// https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/data-entities/dual-write/requirements-and-prerequisites):
// F&O at platform update 33 or later, both environments in one Microsoft Entra tenant. No step of the
// setup changes either, so each is ok or a blocker.

/** Worded as the health check words it, so a failure naming it reads as `health-check-app-version`. */
export const financeOpsVersionCheck: PairCheck = {
  name: 'financeOps.version',
  async run({ financeOpsEnvironment: env }) {
    // Not in Lifecycle Services (a unified environment, or not deployed yet): no release to read.
    if (!env?.platformVersion) return [];
    if (compareVersions(env.platformVersion, MIN_PLATFORM_VERSION) < 0)
      return [
        verdict(
          this.name,
          'blocker',
          `Finance and Operations is at ${env.platformVersion}: dual-write's health check asks for Platform Update PU 33 (App version ${MIN_PLATFORM_VERSION}) or above.`,
          catalogFix('health-check-app-version'),
          { code: 'platform_version' },
        ),
      ];
    return [
      verdict(
        this.name,
        'ok',
        `F&O ${env.platformVersion} (dual-write needs ${MIN_PLATFORM_VERSION} or later).`,
      ),
    ];
  },
};

export const sameTenantCheck: PairCheck = {
  name: 'environments.sameTenant',
  async run({ financeOpsEnvironment: fo, dataverseEnvironment: dv }) {
    if (!fo || !dv) return [];
    // Lifecycle Services does not always report the tenant (empty): compare only when both name one.
    if (!fo.tenantId || !dv.tenantId)
      return [
        verdict(
          this.name,
          'not-checkable',
          'Not checkable: Lifecycle Services does not report the tenant of the Finance and Operations environment.',
        ),
      ];
    if (fo.tenantId.toLowerCase() !== dv.tenantId.toLowerCase())
      return [
        verdict(
          this.name,
          'blocker',
          'The Finance and Operations and Dataverse environments are in different Microsoft Entra tenants.',
          'Dual-write links environments of one tenant only: pick a Dataverse environment of the F&O tenant.',
          { code: 'tenant_mismatch' },
        ),
      ];
    return [verdict(this.name, 'ok', 'Both environments are in one Microsoft Entra tenant.')];
  },
};
