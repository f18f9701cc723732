/** The run store contract lives with the engine (it declares its ports); re-exported for the store layer. */
export type { RunStore, RunChange, RunFilter, CreateRunResult } from '../engine/runStorePort';
export { SqliteRunStore } from './sqliteRunStore';
