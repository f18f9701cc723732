import { solutionsToApply } from '../../src/engine/steps/applySolution';
import { ENTITY_MAP_CATALOG } from '../../src/engine/catalog/entityMapCatalog';
import type { EntityMapStatus } from '../../src/engine/ports';

// Which solutions a resumed Apply Solution step still applies (after a crash or a takeover between
// two of them): none twice that the map list or the step's checkpoint shows applied.

const mapsOf = (pkg: string): EntityMapStatus[] =>
  ENTITY_MAP_CATALOG.filter((map) => map.package === pkg).map((map) => ({
    table: map.table,
    name: map.name,
    state: 'NotRunning',
  }));

describe('Apply Solution on resume', () => {
  it('applies every entity maps solution (not the package anchors) in install order on a blank map list', () => {
    expect(solutionsToApply([], new Set())).toEqual([
      'msdyn_DualWriteAppCoreMaps',
      'msdyn_Dynamics365FinanceExtendedMaps',
      'msdyn_Dynamics365HCMMaps',
      'msdyn_Dynamics365SupplyChainExtendedMaps',
    ]);
  });

  it('goes on after the last solution whose maps are published', () => {
    expect(solutionsToApply([...mapsOf('applicationCore'), ...mapsOf('finance')], new Set())).toEqual([
      'msdyn_Dynamics365HCMMaps',
      'msdyn_Dynamics365SupplyChainExtendedMaps',
    ]);
  });

  it('skips what the checkpoint records as applied, even without maps to show for it', () => {
    const applied = new Set(['msdyn_DualWriteAppCoreMaps', 'msdyn_Dynamics365FinanceExtendedMaps']);
    expect(solutionsToApply(mapsOf('applicationCore'), applied)).toEqual([
      'msdyn_Dynamics365HCMMaps',
      'msdyn_Dynamics365SupplyChainExtendedMaps',
    ]);
  });

  it('applies nothing once the last package has published its maps', () => {
    expect(solutionsToApply(mapsOf('supplyChain'), new Set())).toEqual([]);
  });
});
