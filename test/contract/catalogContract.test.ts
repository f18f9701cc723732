import { ENTITY_MAP_CATALOG } from '../../src/engine/catalog/entityMapCatalog';
import {
  DATAVERSE_APP_USER_CHECKS,
  DUAL_WRITE_CORE_PACKAGE,
  DUAL_WRITE_CORE_SOLUTION,
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
  DUAL_WRITE_PACKAGE_ORDER,
  DUAL_WRITE_PLUGIN_ASSEMBLIES,
  FINANCE_OPS_ENTRA_APP_IDS,
  MIN_PLATFORM_VERSION,
  PROSPECT_TO_CASH_SOLUTIONS,
  missingApplicationUsers,
} from '../../src/engine/catalog/solutions';
import {
  DATAVERSE_APPLICATION_USERS,
  FINANCE_OPS_ENTRA_APPLICATIONS,
  MIN_FINANCE_OPS_VERSION,
} from '../../src/emulator/microsoft/appIds';
import { MAP_FACTS } from '../../src/emulator/microsoft/entityMaps';
import {
  DUAL_WRITE_PACKAGES,
  PLUGIN_ASSEMBLIES,
  PROSPECT_TO_CASH_SOLUTIONS as EMULATOR_P2C,
} from '../../src/emulator/microsoft/packages';
import { EMULATOR_TOKEN_PREFIX as ACCEPTED } from '../../src/emulator/shell/acceptedTokens';
import { EMULATOR_TOKEN_PREFIX as SIGNED } from '../../src/platform/http/credentials';

// The engine's catalog and the emulator's model of Microsoft are written apart (the emulator imports
// nothing of src/engine): this is the one place that holds them together. A wrong name in one of them
// fails here instead of passing every end-to-end test.

const PACKAGE_KEY_OF: Record<string, string> = Object.fromEntries(
  DUAL_WRITE_PACKAGES.map((pkg) => [pkg.uniqueName, pkg.key]),
);

describe('engine catalog against the emulator model of Microsoft', () => {
  it('installs the same packages, with the same solutions, in the documented order', () => {
    expect(DUAL_WRITE_PACKAGE_ORDER).toEqual(DUAL_WRITE_PACKAGES.map((pkg) => pkg.uniqueName));
    expect(DUAL_WRITE_CORE_PACKAGE).toBe('DualWriteCoreAnchor');
    const core = DUAL_WRITE_PACKAGES.find((pkg) => pkg.key === 'core')!;
    expect(core.solutions).toEqual([DUAL_WRITE_CORE_SOLUTION]);
    for (const pkg of DUAL_WRITE_ORCHESTRATION_PACKAGES) {
      const fact = DUAL_WRITE_PACKAGES.find((candidate) => candidate.uniqueName === pkg.uniqueName);
      expect(fact?.solutions).toEqual(pkg.solutions);
    }
    // Every package comes after the packages it needs.
    const position = new Map(DUAL_WRITE_PACKAGE_ORDER.map((name, index) => [PACKAGE_KEY_OF[name], index]));
    for (const pkg of DUAL_WRITE_PACKAGES)
      for (const need of pkg.needs) expect(position.get(need)!).toBeLessThan(position.get(pkg.key)!);
  });

  it('applies the same entity maps solution of each package', () => {
    for (const pkg of DUAL_WRITE_ORCHESTRATION_PACKAGES) {
      const fact = DUAL_WRITE_PACKAGES.find((candidate) => candidate.uniqueName === pkg.uniqueName);
      expect(pkg.mapsSolution).toBe(fact?.mapsSolution);
      if (pkg.mapsSolution) expect(pkg.solutions).toContain(pkg.mapsSolution);
    }
  });

  it('has no solution the documentation does not list (there is no Dynamics365FinanceCommon)', () => {
    const solutions = DUAL_WRITE_ORCHESTRATION_PACKAGES.flatMap((pkg) => pkg.solutions);
    expect(solutions).not.toContain('Dynamics365FinanceCommon');
    expect(solutions).toEqual(expect.arrayContaining(['FieldServiceCommon', 'msdyn_DualWriteAppCoreMaps']));
  });

  it('knows the same maps by table and name: F&O collections, company scoping, packages and prerequisites', () => {
    // The catalog runs a subset of what the gateway publishes: every catalog map is there, by key.
    const keys = MAP_FACTS.map((fact) => fact.key);
    expect(keys).toEqual(expect.arrayContaining(ENTITY_MAP_CATALOG.map((map) => map.key)));
    expect(new Set(keys).size).toBe(keys.length);
    // What the gateway publishes and the catalog leaves alone: the second map of a shared name.
    expect(keys.filter((key) => !ENTITY_MAP_CATALOG.some((map) => map.key === key))).toEqual([
      'msdyn_internalorganizations - Legal entities',
      'contacts - Customers V3',
    ]);
    for (const map of ENTITY_MAP_CATALOG) {
      const fact = MAP_FACTS.find((candidate) => candidate.key === map.key)!;
      expect(map.table).toBe(map.dataverseEntitySet);
      expect({
        name: map.name,
        dataverse: map.dataverseEntitySet,
        financeOps: map.financeOpsEntitySet,
        companyField: map.financeOpsCompanyField,
        companySpecific: map.companySpecific,
        package: map.package,
        dependsOn: [...map.dependsOn].sort(),
        singleThreaded: map.singleThreaded,
      }).toEqual({
        name: fact.name,
        dataverse: fact.dataverseEntitySet,
        financeOps: fact.financeOpsEntitySet,
        companyField: fact.financeOpsCompanyField,
        companySpecific: fact.companySpecific,
        package: fact.package,
        dependsOn: [...fact.prerequisites].sort(),
        singleThreaded: fact.singleThreaded,
      });
    }
  });

  it('looks for the same application users, accepting the replacement id, and keeps F&O ids apart', () => {
    expect(DATAVERSE_APP_USER_CHECKS.map((ids) => [...ids])).toEqual(
      DATAVERSE_APPLICATION_USERS.map((check) => [...check.anyOf]),
    );
    expect([...FINANCE_OPS_ENTRA_APP_IDS]).toEqual([...FINANCE_OPS_ENTRA_APPLICATIONS]);
    expect(
      missingApplicationUsers([
        'f1752846-f0df-4766-96f5-c109adf67d7f',
        '2e49aa60-1bd3-43b6-8ab6-03ada3d9f08b',
      ]),
    ).toEqual([]);
    expect(missingApplicationUsers(['6f7d0213-62b1-43a8-b7f4-ff2bb8b7b452'])).toHaveLength(2);
  });

  it('agrees on plug-in assemblies, Prospect to cash, the minimum F&O version and the emulator token', () => {
    expect([...DUAL_WRITE_PLUGIN_ASSEMBLIES]).toEqual([...PLUGIN_ASSEMBLIES]);
    expect([...PROSPECT_TO_CASH_SOLUTIONS]).toEqual([...EMULATOR_P2C]);
    expect(MIN_PLATFORM_VERSION).toBe(MIN_FINANCE_OPS_VERSION);
    expect(SIGNED).toBe(ACCEPTED);
  });
});
