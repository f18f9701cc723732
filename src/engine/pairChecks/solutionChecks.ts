import {
  compareVersions,
  CONSENT_APP_ID,
  CORE_SOLUTION_NO_CONSENT_VERSION,
  DUAL_WRITE_CORE_SOLUTION,
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
  DUAL_WRITE_PACKAGE_ORDER,
  missingApplicationUsers,
  PROSPECT_TO_CASH_SOLUTIONS,
} from '../catalog/solutions';
import { catalogFix, unreadable, verdict, type PairCheck } from './pairCheck';

// What a Dataverse environment must (not) have before linking (docs/domain.md §3; Learn
// https://learn.microsoft.com/dynamics365/fin-ops-core/dev-itpro/data-entities/dual-write/requirements-and-prerequisites):
// the packages the setup installs are "the setup will do it"; what it cannot change is a blocker.

const INSTALL = 'installDualWriteSolutions' as const;

export const prospectToCashCheck: PairCheck = {
  name: 'dataverse.prospectToCash',
  async run({ reads }) {
    const names = await reads.solutions();
    const installed = PROSPECT_TO_CASH_SOLUTIONS.filter((name) => names.has(name.toLowerCase()));
    return [
      installed.length
        ? verdict(
            this.name,
            'blocker',
            `Prospect to cash is installed (${installed.join(', ')}).`,
            catalogFix('prospect-to-cash-installed'),
            { code: 'prospect_to_cash' },
          )
        : verdict(this.name, 'ok', 'Prospect to cash is not installed.'),
    ];
  },
};

/** Installed, and recent enough: before 1.0.16.0 the Dual-write page answers 404 without consent. */
export const coreSolutionCheck: PairCheck = {
  name: 'dataverse.coreSolution',
  async run({ reads }) {
    const version = (await reads.solutions()).get(DUAL_WRITE_CORE_SOLUTION.toLowerCase());
    const versionCheck = 'dataverse.coreSolutionVersion';
    if (version === undefined)
      return [
        verdict(
          this.name,
          'setup-will-do',
          `${DUAL_WRITE_CORE_SOLUTION} is not installed yet.`,
          'The setup installs the DualWriteCoreAnchor package before linking.',
          { code: 'core_solution_missing', doneBy: INSTALL },
        ),
        verdict(
          versionCheck,
          'setup-will-do',
          `The setup installs a current ${DUAL_WRITE_CORE_SOLUTION} (${CORE_SOLUTION_NO_CONSENT_VERSION} or later needs no consent).`,
          'The setup installs it.',
          { code: 'core_solution_version_new', doneBy: INSTALL },
        ),
      ];
    const installed = verdict(
      this.name,
      'ok',
      `${DUAL_WRITE_CORE_SOLUTION} ${version || '(no version)'} is installed.`,
    );
    if (version && compareVersions(version, CORE_SOLUTION_NO_CONSENT_VERSION) < 0)
      return [
        installed,
        verdict(
          versionCheck,
          'blocker',
          `${DUAL_WRITE_CORE_SOLUTION} ${version} is older than ${CORE_SOLUTION_NO_CONSENT_VERSION}: the Dual-write page answers "404 (Not Found)" until a tenant admin consents to the app ${CONSENT_APP_ID}.`,
          catalogFix('dualwrite-page-404'),
          { code: 'core_solution_old' },
        ),
      ];
    return [
      installed,
      verdict(
        versionCheck,
        'ok',
        `${DUAL_WRITE_CORE_SOLUTION} ${version || '(no version)'}: ${CORE_SOLUTION_NO_CONSENT_VERSION} or later needs no consent.`,
      ),
    ];
  },
};

export const orchestrationPackagesCheck: PairCheck = {
  name: 'dataverse.orchestrationPackages',
  async run({ reads }) {
    const names = await reads.solutions();
    const missing = DUAL_WRITE_ORCHESTRATION_PACKAGES.filter((pkg) =>
      pkg.solutions.some((solution) => !names.has(solution.toLowerCase())),
    );
    return [
      missing.length
        ? verdict(
            this.name,
            'setup-will-do',
            `Not installed yet: ${missing.map((pkg) => pkg.uniqueName).join(', ')}.`,
            'The setup installs them in the documented order (application core, finance, HR common, HR, supply chain).',
            { doneBy: INSTALL },
          )
        : verdict(this.name, 'ok', 'Every dual-write orchestration package is installed.'),
    ];
  },
};

/**
 * The unique names the setup installs, against the environment's own package list (Power Platform
 * `applicationPackages`): a name the list lacks cannot be installed there. The list holds the
 * applications the tenant is entitled to, those the admin center shows under Dynamics 365 apps (Learn
 * https://learn.microsoft.com/power-platform/admin/programmability-tutorial-install-application-environment).
 */
export const packageNamesCheck: PairCheck = {
  name: 'powerPlatform.packageNames',
  async run({ platform, dataverseEnvironmentId }) {
    if (!dataverseEnvironmentId)
      return [
        verdict(
          this.name,
          'not-checkable',
          'Not checkable: the Power Platform admin API does not list this Dataverse environment, so its package list cannot be read.',
        ),
      ];
    let listed: Set<string>;
    try {
      const packages = await platform.powerPlatform.listPackages(dataverseEnvironmentId);
      listed = new Set(packages.map((pkg) => pkg.uniqueName.toLowerCase()));
    } catch (error) {
      return [unreadable(this.name, 'the Power Platform package list', error)];
    }
    const unknown = DUAL_WRITE_PACKAGE_ORDER.filter((name) => !listed.has(name.toLowerCase()));
    return [
      unknown.length
        ? verdict(
            this.name,
            'blocker',
            `The environment's package list has no ${unknown.join(', ')}.`,
            "The Power Platform installs only the applications the tenant is entitled to, those the Power Platform admin center shows for the environment under Resources > Dynamics 365 apps: check the tenant's Dynamics 365 licences there until this environment offers the dual-write packages, then review the setup again.",
            { code: 'package_not_listed' },
          )
        : verdict(
            this.name,
            'ok',
            `The package list offers every dual-write package (${DUAL_WRITE_PACKAGE_ORDER.length}).`,
          ),
    ];
  },
};

/** Linking fails with DW9003 without them; no step of the setup adds them. */
export const applicationUsersCheck: PairCheck = {
  name: 'dataverse.applicationUsers',
  async run({ platform, dataverseUrl }) {
    let missing: string[];
    try {
      missing = missingApplicationUsers(await platform.dataverse(dataverseUrl!).listApplicationUserIds());
    } catch (error) {
      return [unreadable(this.name, 'the application users', error)];
    }
    return [
      missing.length
        ? verdict(
            this.name,
            'blocker',
            `Missing application users: ${missing.join('; ')}. Linking fails with DW9003 without them.`,
            catalogFix('dw9003-connect-failed'),
            { code: 'app_users_missing' },
          )
        : verdict(this.name, 'ok', 'The dual-write application users exist.'),
    ];
  },
};
