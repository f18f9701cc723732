import type { Logger } from '../../log';
import type { Db } from '../../store/database';
import type { FinanceOpsStore } from '../financeOps/financeOpsStore';
import type { EmulatorSettings } from '../settings';
import type { DataverseTables } from './dataverseTables';
import type { EffectsLog } from './effects';
import type { EmulatorSeed } from './seed';

/** What every part of the emulator shares: storage, settings, the effects log and the clock. */
export interface EmulatorContext {
  db: Db;
  settings: EmulatorSettings;
  effects: EffectsLog;
  dataverse: DataverseTables;
  financeOps: FinanceOpsStore;
  seed: EmulatorSeed;
  logger?: Logger;
  /** `http://127.0.0.1:<port>`, known once the server listens. */
  baseUrl(): string;
  now(): number;
}

/** Due time (epoch ms) of something that takes `emulatedSeconds` in the real world. */
export function dueAt(ctx: EmulatorContext, emulatedSeconds: number): number {
  return ctx.now() + Math.max(0, Math.round(emulatedSeconds * 1000 * ctx.settings.timeScale));
}
