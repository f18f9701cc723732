import { ENTITY_MAP_CATALOG, type EntityMapDefinition } from '../../src/engine/catalog/entityMapCatalog';
import {
  catalogOrder,
  orderMaps,
  UnknownMapError,
  withPrerequisites,
} from '../../src/engine/catalog/mapOrdering';
import { planMaps } from '../../src/engine/scenarios/planMaps';

function assertValidOrder(order: string[], catalog: readonly EntityMapDefinition[] = ENTITY_MAP_CATALOG) {
  const position = new Map(order.map((name, index) => [name, index]));
  for (const name of order) {
    const map = catalog.find((m) => m.name === name) as EntityMapDefinition;
    for (const dependency of map.dependsOn) {
      if (position.has(dependency))
        expect(position.get(dependency)).toBeLessThan(position.get(name) as number);
    }
  }
}

describe('entity map ordering', () => {
  it('initial sync of Customers V3 pulls in its prerequisite maps, in a valid order', () => {
    const plan = planMaps(['customers v3']);
    expect(plan.initialSync.order).toEqual(
      expect.arrayContaining([
        'Currencies',
        'Customer groups',
        'Terms of payment',
        'Payment days CDS',
        'Payment schedule',
        'Customer payment method',
        'Customers V3',
      ]),
    );
    expect(plan.initialSync.order[plan.initialSync.order.length - 1]).toBe('Customers V3');
    assertValidOrder(['Legal entities', ...plan.initialSync.order]);
    // Legal entities runs first, live, with the other maps the sync does not need.
    expect(plan.enable[0]).toBe('Legal entities');
    expect(plan.enable).not.toContain('Customers V3');
    // Maps that need Customers V3 start only after its initial sync.
    expect(plan.enableAfter).toEqual(expect.arrayContaining(['CDS Contacts V2', 'CDS sales order headers']));
  });

  it('orders the whole catalog and breaks the Customers/Vendors/Contacts cycles deliberately', () => {
    const { order, stages, deferred } = catalogOrder();
    expect(order).toHaveLength(ENTITY_MAP_CATALOG.length);
    assertValidOrder(order);
    expect(stages.flat()).toEqual(order);
    expect(deferred.length).toBeGreaterThan(0);
    expect(deferred.every((d) => d.kind === 'circular')).toBe(true);
    expect(deferred.map((d) => d.map)).toContain('Customers V3');
  });

  it('never fails on a hard cycle either: it breaks it and reports the deferred lookup', () => {
    const cyclic: EntityMapDefinition[] = [
      {
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

  it('refuses unknown maps by name', () => {
    expect(() => withPrerequisites(['Customers V9'])).toThrow(UnknownMapError);
  });
});
