import { DataverseStore } from '../../src/emulator/dataverse/dataverseStore';
import { GatewayService } from '../../src/emulator/dualWrite/gatewayService';
import { FinanceOpsStore } from '../../src/emulator/financeOps/financeOpsStore';
import { defaultSettings } from '../../src/emulator/settings';
import { EffectsLog } from '../../src/emulator/shell/effects';
import { createEmulatorServices } from '../../src/emulator/shell/emulatorServices';
import type { EmulatorContext } from '../../src/emulator/shell/emulatorContext';
import { openEmulatorDatabase } from '../../src/emulator/shell/emulatorDatabase';
import { resolveSeed } from '../../src/emulator/shell/seed';
import { tempDataFile } from './emulatorTestKit';

/**
 * The emulator's gateway over a real SQLite file, without HTTP: for tests of what its tick and its
 * lookups do inside (which rows a live-sync pass reads, which indexes a lookup uses).
 */
export interface GatewayRig {
  ctx: EmulatorContext;
  dataverse: DataverseStore;
  financeOps: FinanceOpsStore;
  gateway: GatewayService;
  close(): void;
}

export function openGatewayRig(): GatewayRig {
  const db = openEmulatorDatabase(tempDataFile());
  const dataverse = new DataverseStore(db);
  const financeOps = new FinanceOpsStore(db);
  const ctx: EmulatorContext = {
    db,
    settings: defaultSettings(0.0001),
    effects: new EffectsLog(db),
    dataverse,
    financeOps,
    seed: resolveSeed({}),
    baseUrl: () => 'http://127.0.0.1:0',
    now: () => Date.now(),
  };
  const { gateway } = createEmulatorServices(ctx);
  return { ctx, dataverse, financeOps, gateway, close: () => db.close() };
}

/** A link's rows as the link wizard and Apply Solution leave them, the maps already in `state`. */
export function insertLink(
  rig: GatewayRig,
  link: { id: string; foEnv: string; dvOrg: string; companies: string[]; maps: string[]; state: string },
): void {
  const { db } = rig.ctx;
  db.prepare(
    `INSERT INTO gw_connections (id, fo_env, dv_org, fo_url, dv_url, solution_applied, created_at)
     VALUES (?, ?, ?, ?, ?, 1, ?)`,
  ).run(link.id, link.foEnv, link.dvOrg, `http://fo/${link.foEnv}`, `http://dv/${link.dvOrg}`, 1);
  for (const code of link.companies)
    db.prepare('INSERT INTO gw_legal_entities (connection_id, code) VALUES (?, ?)').run(link.id, code);
  for (const name of link.maps)
    db.prepare('INSERT INTO gw_maps (connection_id, name, state, updated_at) VALUES (?, ?, ?, 1)').run(
      link.id,
      name,
      link.state,
    );
}
