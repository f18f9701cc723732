import { ENTITY_MAP_CATALOG, type EntityMapDefinition } from '../../src/engine/catalog/entityMapCatalog';
import {
  catalogOrder,
  orderMaps,
  resolveMapNames,
  UnknownMapError,
  withPrerequisites,
} from '../../src/engine/catalog/mapOrdering';
import { planMaps } from '../../src/engine/scenarios/planMaps';

function assertValidOrder(order: string[], catalog: readonly EntityMapDefinition[] = ENTITY_MAP_CATALOG) {
  const position = new Map(order.map((name, index) => [name, index]));
  for (const name of order) {
    const map = catalog.find((m) => m.key === name) as EntityMapDefinition;
    for (const dependency of map.dependsOn) {
      if (position.has(dependency))
        expect(position.get(dependency)).toBeLessThan(position.get(name) as number);
    }
  }
}

describe('entity map ordering', () => {
  it('initial sync of Customers V3 pulls in its prerequisite maps, in a valid order, by table and name', () => {
    const plan = planMaps(['customers v3']);
    expect(plan.initialSync.order).toEqual(
      expect.arrayContaining([
        'transactioncurrencies - Currencies',
        'msdyn_customergroups - Customer groups',
        'msdyn_paymentterms - Terms of payment',
        'msdyn_paymentdays - Payment days CDS',
        'msdyn_paymentschedules - Payment schedule',
        'msdyn_customerpaymentmethods - Customer payment method',
        'accounts - Customers V3',
      ]),
    );
    expect(plan.initialSync.order[plan.initialSync.order.length - 1]).toBe('accounts - Customers V3');
    assertValidOrder(['cdm_companies - Legal entities', ...plan.initialSync.order]);
    // Legal entities (of cdm_companies) runs first, live, with the other maps the sync does not need.
    expect(plan.enable[0]).toBe('cdm_companies - Legal entities');
    expect(plan.enable).not.toContain('accounts - Customers V3');
    // Maps that need Customers V3 start only after its initial sync.
    expect(plan.enableAfter).toEqual(
      expect.arrayContaining([
        'contacts - CDS Contacts V2 (Customer)',
        'salesorders - CDS sales order headers',
      ]),
    );
    // The same plan from the key.
    expect(planMaps(['accounts - Customers V3'])).toEqual(plan);
  });

  it('orders the whole catalog and breaks the Customers/Vendors/Contacts cycles deliberately', () => {
    const { order, stages, deferred } = catalogOrder();
    expect(order).toHaveLength(ENTITY_MAP_CATALOG.length);
    assertValidOrder(order);
    expect(stages.flat()).toEqual(order);
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.every((d) => d.kind === 'circular')).toBe(true);
    expect(deferred.map((d) => d.map)).toContain('accounts - Customers V3');
  });

  it('never fails on a hard cycle either: it breaks it and reports the deferred lookup', () => {
    const cyclic: EntityMapDefinition[] = [
      {
        key: 'A',
        table: 'a',
        name: 'A',
        dataverseEntitySet: 'a',
        financeOpsEntitySet: 'A',
        financeOpsCompanyField: null,
        package: 'finance',
        dependsOn: ['C'],
        singleThreaded: false,
        companySpecific: false,
      },
      {
        key: 'B',
        table: 'b',
        name: 'B',
        dataverseEntitySet: 'b',
        financeOpsEntitySet: 'B',
        financeOpsCompanyField: null,
        package: 'finance',
        dependsOn: ['A'],
        singleThreaded: false,
        companySpecific: false,
      },
      {
        key: 'C',
        table: 'c',
        name: 'C',
        dataverseEntitySet: 'c',
        financeOpsEntitySet: 'C',
        financeOpsCompanyField: null,
        package: 'finance',
        dependsOn: ['B'],
        singleThreaded: false,
        companySpecific: false,
      },
    ];
    const result = orderMaps(['A', 'B', 'C'], cyclic);
    expect(result.order).toHaveLength(3);
    expect(result.deferred).toHaveLength(1);
    expect(result.deferred[0].kind).toBe('dependency');
  });

  it('refuses unknown maps by name, and a name two catalog maps share', () => {
    expect(() => withPrerequisites(['Customers V9'])).toThrow(UnknownMapError);
    expect(() => withPrerequisites(['CDS Contacts V2'])).toThrow(UnknownMapError);
    const twice: EntityMapDefinition[] = ['accounts', 'contacts'].map((table) => ({
      ...ENTITY_MAP_CATALOG.find((m) => m.key === 'accounts - Customers V3')!,
      key: `${table} - Customers V3`,
      table,
      dataverseEntitySet: table,
      dependsOn: [],
      circularWith: [],
    }));
    expect(() => resolveMapNames(['Customers V3'], twice)).toThrow(UnknownMapError);
    expect(resolveMapNames(['contacts - Customers V3'], twice)).toEqual(['contacts - Customers V3']);
  });
});
