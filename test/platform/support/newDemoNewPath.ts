import { ENTITY_MAP_CATALOG } from '../../../src/engine/catalog/entityMapCatalog';
import {
  DUAL_WRITE_CORE_PACKAGE,
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
} from '../../../src/engine/catalog/solutions';
import type { Platform } from '../../../src/engine/ports';
import { pollUntil } from '../../emulator/emulatorTestKit';

/**
 * The new-demo-new path through the platform clients, step by step, so a case can start where the
 * step before it left the emulator (newDemoNewPath.test.ts holds the assertions).
 */
/** Where the new-demo-new path stands after a step: the URLs and ids the next steps use. */
export interface PathState {
  foUrl: string;
  dvUrl: string;
  dvId: string;
  connectionId: string;
}

export const PACKAGES = [
  DUAL_WRITE_CORE_PACKAGE,
  ...DUAL_WRITE_ORCHESTRATION_PACKAGES.map((p) => p.uniqueName),
];

/** The steps of the path, in order, as the cases below take them (their assertions stay in the cases). */
const PATH_STEPS = {
  /** F&O `fo-demo` deployed with demo data. */
  deployed: async (platform: Platform, state: PathState) => {
    const started = await platform.lifecycle.deployFinanceOps({ name: 'fo-demo', demoData: true });
    const done = await pollUntil(
      () => platform.lifecycle.getFinanceOps(started.id),
      (env) => env.state !== 'deploying',
    );
    state.foUrl = done.url;
  },
  /** Dataverse `dv-new` ready, with the CRM prime solution. */
  dataverse: async (platform: Platform, state: PathState) => {
    const started = await platform.powerPlatform.createDataverse({ name: 'dv-new', crmPrime: true });
    const ready = await pollUntil(
      () => platform.powerPlatform.getDataverse(started.id),
      (env) => env.state === 'ready',
    );
    state.dvUrl = ready.url;
    state.dvId = ready.id;
  },
  /** The dual-write packages installed in `dv-new`. */
  packages: async (platform: Platform, state: PathState) => {
    for (const name of PACKAGES) {
      const op = await platform.powerPlatform.installPackage(state.dvId, name);
      await pollUntil(
        () => platform.powerPlatform.getPackageOperation(state.dvId, op.id),
        (o) => o.status !== 'running',
      );
    }
  },
  /** Linked for USMF, the solution applied (every map NotRunning). */
  linked: async (platform: Platform, state: PathState) => {
    const conn = await platform.dualWrite.createConnection({
      financeOpsUrl: state.foUrl,
      dataverseUrl: state.dvUrl,
      legalEntities: ['usmf'],
    });
    state.connectionId = conn.id;
    await platform.dualWrite.applySolution(conn.id);
  },
  /** Legal entities running, DEMF added: companies USMF and DEMF in Dataverse. */
  companies: async (platform: Platform, state: PathState) => {
    await platform.dualWrite.runMap(state.connectionId, 'cdm_companies - Legal entities', {
      initialSync: false,
    });
    await platform.dualWrite.addLegalEntities(state.connectionId, ['DEMF']);
  },
  /** Customers V3 running after an F&O-master initial sync for USMF and DEMF. */
  customers: async (platform: Platform, state: PathState) => {
    const prerequisites =
      ENTITY_MAP_CATALOG.find((m) => m.key === 'accounts - Customers V3')?.dependsOn ?? [];
    for (const name of prerequisites.filter((n) => n !== 'cdm_companies - Legal entities')) {
      await platform.dualWrite.runMap(state.connectionId, name, { initialSync: false });
    }
    await platform.dualWrite.runMap(state.connectionId, 'accounts - Customers V3', {
      initialSync: true,
      master: 'financeOps',
      legalEntities: ['USMF', 'DEMF'],
    });
    await pollUntil(
      () => platform.dualWrite.listMaps(state.connectionId),
      (all) => all.find((m) => m.table === 'accounts' && m.name === 'Customers V3')?.state === 'Running',
    );
  },
};

/** Walks this case's emulator through the path's steps up to and including `last`. */
export async function walkTo(platform: Platform, last: keyof typeof PATH_STEPS): Promise<PathState> {
  const state: PathState = { foUrl: '', dvUrl: '', dvId: '', connectionId: '' };
  for (const [name, step] of Object.entries(PATH_STEPS)) {
    await step(platform, state);
    if (name === last) break;
  }
  return state;
}
