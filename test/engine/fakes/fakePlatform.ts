/**
 * An in-memory stand-in for the Dynamics 365 emulator, ONLY for pure state-machine tests of the
 * engine (commands, approvals, expiry, retries, cancel, the property test). Everything that asserts
 * Dynamics state runs against the real emulator over HTTP (test/engine/scenarios.emulator.test.ts).
 * It applies effects immediately and counts them so a test can see a step run twice.
 */
import {
  DUAL_WRITE_APP_IDS,
  DUAL_WRITE_CORE_PACKAGE,
  DUAL_WRITE_CORE_SOLUTION,
  DUAL_WRITE_ORCHESTRATION_PACKAGES,
} from '../../../src/engine/catalog/solutions';
import { ENTITY_MAP_CATALOG } from '../../../src/engine/catalog/entityMapCatalog';
import { findMapStatus } from '../../../src/engine/catalog/mapIdentity';
import { PlatformError } from '../../../src/platform/platformError';
import type {
  ApplicationPackage,
  DataversePort,
  DualWriteConnection,
  EntityMapStatus,
  FinanceOpsEnvironment,
  DataverseEnvironment,
  Platform,
  PlatformCapabilities,
} from '../../../src/engine/ports';

export interface FakeFault {
  /** Operation name, e.g. "createLegalEntity". */
  op: string;
  /** Errors thrown in order, one per call, before calls succeed again. */
  errors: unknown[];
}

export class FakeDynamics {
  effects = new Map<string, number>();
  faults: FakeFault[] = [];
  /** Hooks run inside an operation (e.g. to block it until a test says so). */
  hooks = new Map<string, (signal?: AbortSignal) => Promise<void>>();
  fo = new Map<string, FinanceOpsEnvironment & { legalEntities: Set<string> }>();
  dv = new Map<
    string,
    DataverseEnvironment & {
      solutions: Set<string>;
      companies: Map<string, string>;
      rows: Map<string, Array<string | null>>;
    }
  >();
  connections: Array<DualWriteConnection & { maps: EntityMapStatus[] }> = [];
  capabilities: PlatformCapabilities = {
    deployFinanceOps: true,
    dualWriteGateway: true,
    linkDualWrite: true,
    createLegalEntity: true,
  };

  constructor() {
    this.addFinanceOps('contoso-fo', ['USMF', 'DEMF']);
    this.addDataverse('contoso', { accounts: 30, contacts: 10 });
  }

  addFinanceOps(name: string, legalEntities: string[]): void {
    this.fo.set(name, {
      id: `fo-${name}`,
      name,
      url: `https://${name}.fake`,
      state: 'deployed',
      demoData: false,
      platformVersion: '10.0.38',
      tenantId: 'tenant',
      legalEntities: new Set(legalEntities),
    });
  }

  addDataverse(name: string, rows: Record<string, number>): void {
    this.dv.set(name, {
      id: `dv-${name}`,
      name,
      url: `https://${name}.crm.fake`,
      state: 'ready',
      tenantId: 'tenant',
      solutions: new Set(),
      companies: new Map(),
      rows: new Map(
        Object.entries(rows).map(([table, n]) => [table, new Array<string | null>(n).fill(null)]),
      ),
    });
  }

  count(op: string): number {
    return this.effects.get(op) ?? 0;
  }

  private async act(op: string, signal?: AbortSignal): Promise<void> {
    const fault = this.faults.find((f) => f.op === op && f.errors.length > 0);
    if (fault) throw fault.errors.shift();
    const hook = this.hooks.get(op);
    if (hook) await hook(signal);
  }

  private effect(op: string): void {
    this.effects.set(op, this.count(op) + 1);
  }

  private dvByUrl(url: string) {
    const env = [...this.dv.values()].find((e) => e.url === url);
    if (!env) throw Object.assign(new Error(`no org ${url}`), { status: 404 });
    return env;
  }

  private foByUrl(url: string) {
    const env = [...this.fo.values()].find((e) => e.url === url);
    if (!env) throw Object.assign(new Error(`no F&O ${url}`), { status: 404 });
    return env;
  }

  platform(): Platform {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the port objects below are plain literals
    const self = this;
    const dataverse = (url: string): DataversePort => ({
      async listSolutions() {
        return [...self.dvByUrl(url).solutions].map((uniqueName) => ({ uniqueName, version: '1.0.24.0' }));
      },
      async listApplicationUserIds() {
        return [...DUAL_WRITE_APP_IDS];
      },
      async findCompany(code) {
        const id = self.dvByUrl(url).companies.get(code);
        return id ? { id, code, name: code } : null;
      },
      async countRowsWithoutCompany(set) {
        return (self.dvByUrl(url).rows.get(set) ?? []).filter((c) => c === null).length;
      },
      async countRowsOfCompany(set, companyId) {
        return (self.dvByUrl(url).rows.get(set) ?? []).filter((c) => c === companyId).length;
      },
      async stampRowsWithCompany(set, companyId, options) {
        await self.act('stampRowsWithCompany', options.signal);
        const rows = self.dvByUrl(url).rows.get(set) ?? [];
        let stamped = 0;
        for (let i = 0; i < rows.length; i++) {
          if (rows[i] !== null) continue;
          rows[i] = companyId;
          stamped++;
          self.effect(`stamp:${set}`);
        }
        options.onProgress?.({ done: stamped, total: stamped });
        return { stamped };
      },
    });
    return {
      capabilities: this.capabilities,
      lifecycle: {
        async findFinanceOps(name) {
          return self.fo.get(name) ?? null;
        },
        async deployFinanceOps({ name, demoData }) {
          await self.act('deployFinanceOps');
          self.effect('deployFinanceOps');
          self.addFinanceOps(name, demoData ? ['DAT', 'USMF', 'DEMF'] : ['DAT']);
          return self.fo.get(name) as FinanceOpsEnvironment;
        },
        async getFinanceOps(id) {
          return [...self.fo.values()].find((e) => e.id === id) as FinanceOpsEnvironment;
        },
      },
      powerPlatform: {
        async findDataverse(name) {
          return self.dv.get(name) ?? null;
        },
        async createDataverse({ name }) {
          await self.act('createDataverse');
          self.effect('createDataverse');
          self.addDataverse(name, {});
          return self.dv.get(name) as DataverseEnvironment;
        },
        async getDataverse(id) {
          return [...self.dv.values()].find((e) => e.id === id) as DataverseEnvironment;
        },
        async listPackages(environmentId) {
          const env = [...self.dv.values()].find((e) => e.id === environmentId);
          const names = [
            DUAL_WRITE_CORE_PACKAGE,
            ...DUAL_WRITE_ORCHESTRATION_PACKAGES.map((p) => p.uniqueName),
          ];
          return names.map((uniqueName): ApplicationPackage => ({
            uniqueName,
            name: uniqueName,
            state: env?.solutions.has(uniqueName) ? 'installed' : 'not_installed',
          }));
        },
        async installPackage(environmentId, uniqueName) {
          await self.act('installPackage');
          self.effect(`install:${uniqueName}`);
          const env = [...self.dv.values()].find((e) => e.id === environmentId);
          env?.solutions.add(uniqueName);
          if (uniqueName === DUAL_WRITE_CORE_PACKAGE) env?.solutions.add(DUAL_WRITE_CORE_SOLUTION);
          return { id: `op-${uniqueName}`, status: 'succeeded' };
        },
        async getPackageOperation(_env, id) {
          return { id, status: 'succeeded' };
        },
      },
      dualWrite: {
        async findConnection(financeOpsUrl, dataverseUrl) {
          return (
            self.connections.find(
              (c) => c.financeOpsUrl === financeOpsUrl && c.dataverseUrl === dataverseUrl,
            ) ?? null
          );
        },
        async createConnection(request) {
          await self.act('createConnection');
          self.effect('createConnection');
          const connection = {
            id: `c${self.connections.length + 1}`,
            ...request,
            solutionApplied: false,
            maps: [],
          };
          self.connections.push(connection);
          self.syncCompanies(connection);
          return connection;
        },
        async addLegalEntities(connectionId, codes) {
          await self.act('addLegalEntities');
          const connection = self.connections.find(
            (c) => c.id === connectionId,
          ) as (typeof self.connections)[number];
          for (const code of codes) {
            self.effect(`addLegalEntity:${code}`);
            if (!connection.legalEntities.includes(code)) connection.legalEntities.push(code);
          }
          self.syncCompanies(connection);
          return connection;
        },
        async applySolution(connectionId, only, tracking) {
          await self.act('applySolution');
          const connection = self.connections.find(
            (c) => c.id === connectionId,
          ) as (typeof self.connections)[number];
          // One effect per solution applied (when its request is accepted, unless it is the one the
          // caller resumes); a fault on 'applySolution.wait' fails the wait after that; each
          // publishes the catalog maps of its package.
          // The gateway lists and applies each package's entity maps solution.
          for (const pkg of DUAL_WRITE_ORCHESTRATION_PACKAGES) {
            const solution = pkg.mapsSolution;
            if (!solution || (only && !only.includes(solution))) continue;
            if (tracking?.resume?.solution !== solution) {
              self.effect(`applySolution:${solution}`);
              await tracking?.onAccepted?.(solution, `request-${solution}`);
            }
            await self.act('applySolution.wait');
            const published = new Set(connection.maps.map((m) => `${m.table} - ${m.name}`));
            for (const map of ENTITY_MAP_CATALOG.filter(
              (m) => m.package === pkg.maps && !published.has(m.key),
            ))
              connection.maps.push({ table: map.table, name: map.name, state: 'NotRunning' });
          }
          connection.solutionApplied = true;
        },
        async listMaps(connectionId) {
          return structuredClone(self.connections.find((c) => c.id === connectionId)?.maps ?? []);
        },
        async runMap(connectionId, mapName, options) {
          await self.act('runMap');
          self.effect(`runMap:${mapName}`);
          if (options.initialSync) self.effect(`initialSync:${mapName}`);
          const connection = self.connections.find(
            (c) => c.id === connectionId,
          ) as (typeof self.connections)[number];
          const map = findMapStatus(connection.maps, mapName);
          if (!map) throw new PlatformError('not_found', `The map ${mapName} is not published.`);
          map.state = 'Running';
          if (map.table === 'cdm_companies' && map.name === 'Legal entities') self.syncCompanies(connection);
        },
      },
      dataverse,
      financeOps: (url) => ({
        async listLegalEntities() {
          return [...self.foByUrl(url).legalEntities].map((id) => ({ id, name: id }));
        },
        async createLegalEntity(entity) {
          await self.act('createLegalEntity');
          self.effect('createLegalEntity');
          const env = self.foByUrl(url);
          if (env.legalEntities.has(entity.id)) throw Object.assign(new Error('duplicate'), { status: 400 });
          env.legalEntities.add(entity.id);
        },
        async countRows() {
          return 10;
        },
      }),
    };
  }

  /** The Legal entities map creates a cdm_companies row per linked company. */
  private syncCompanies(connection: DualWriteConnection & { maps: EntityMapStatus[] }): void {
    const running = findMapStatus(connection.maps, 'cdm_companies - Legal entities')?.state === 'Running';
    if (!running) return;
    const env = this.dvByUrl(connection.dataverseUrl);
    for (const code of connection.legalEntities) {
      if (!env.companies.has(code)) env.companies.set(code, `company-${code}`);
    }
  }
}
