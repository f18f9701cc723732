import Database from 'better-sqlite3';
import { startEmulator } from '../../../src/emulator/index';
import type { SoakOptions } from './soakOptions';

/** The soak's emulator time scale: Dataverse durations in the fault mix are scaled by it. */
export const TIME_SCALE = '0.002';

/** Run i's existing Dataverse org and its company code. */
export const orgOf = (i: number) => `soakdv${i}`;
export const codeOf = (i: number) => `S${String(i).padStart(3, '0')}`;

/**
 * One existing Dataverse org per run: the emulator seeds one per data file, so it is started once per
 * org on the same file, with the "seeded" mark removed in between.
 */
export async function seedOrgs(file: string, options: SoakOptions): Promise<void> {
  for (let i = 0; i < options.runs; i += 1) {
    const emulator = await startEmulator({
      port: 0,
      dataFile: file,
      timeScale: Number(TIME_SCALE),
      seed: {
        existingFinanceOps: i === 0 ? {} : null,
        existingDataverse: {
          name: orgOf(i),
          accounts: options.accountsPerOrg,
          contacts: options.contactsPerOrg,
          appUsers: true,
        },
      } as never,
    });
    await emulator.close();
    if (i < options.runs - 1) {
      const db = new Database(file);
      db.prepare("DELETE FROM emu_meta WHERE key = 'seeded'").run();
      db.close();
    }
  }
}
