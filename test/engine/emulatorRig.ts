import { ENTITY_MAP_CATALOG } from '../../src/engine/catalog/entityMapCatalog';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index';
import { createPlatform } from '../../src/platform/createPlatform';
import type { Platform } from '../../src/engine/ports';

/** The real emulator over HTTP on 127.0.0.1, for the scenario and crash tests. */
export const TIME_SCALE = 0.0002;

export interface EmulatorState {
  financeOps: Array<{ name: string; url: string; state: string; demoData: boolean; legalEntities: string[] }>;
  dataverse: Array<{ name: string; org: string; url: string; state: string; solutions: string[] }>;
  connections: Array<{
    id: string;
    financeOpsUrl?: string;
    dataverseUrl?: string;
    legalEntities: string[];
    solutionApplied?: boolean;
    maps: Array<{ name: string; state: string; lastError?: string | null }>;
    [key: string]: unknown;
  }>;
  effects: { byKind: Record<string, number>; bySubject: Record<string, number> };
}

export async function startRigEmulator(
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-emu-')),
): Promise<RunningEmulator> {
  return startEmulator({ port: 0, dataFile: path.join(dir, 'emulator.sqlite'), timeScale: TIME_SCALE });
}

export function emulatorPlatform(url: string): Platform {
  return createPlatform({
    mode: 'emulator',
    emulatorUrl: url,
    retry: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 },
  });
}

export async function emulatorState(url: string): Promise<EmulatorState> {
  const response = await fetch(`${url}/_emulator/state`);
  if (!response.ok) throw new Error(`state: HTTP ${response.status}`);
  return (await response.json()) as EmulatorState;
}

/** Reads an OData collection of the emulator's Dataverse Web API (all pages). */
export async function dataverseRows(orgUrl: string, query: string): Promise<Array<Record<string, unknown>>> {
  let next: string | undefined = `${orgUrl}/api/data/v9.2/${query}`;
  const rows: Array<Record<string, unknown>> = [];
  while (next) {
    const response: Response = await fetch(next, {
      headers: {
        Authorization: 'Bearer emulator.test',
        Accept: 'application/json',
        Prefer: 'odata.maxpagesize=5000',
      },
    });
    if (!response.ok) throw new Error(`${query}: HTTP ${response.status} ${await response.text()}`);
    const body = (await response.json()) as {
      value: Array<Record<string, unknown>>;
      '@odata.nextLink'?: string;
    };
    rows.push(...body.value);
    next = body['@odata.nextLink'];
  }
  return rows;
}

export async function financeOpsRows(foUrl: string, query: string): Promise<Array<Record<string, unknown>>> {
  const sep = query.includes('?') ? '&' : '?';
  const response = await fetch(`${foUrl}/data/${query}${sep}cross-company=true`, {
    headers: { Authorization: 'Bearer emulator.test', Accept: 'application/json' },
  });
  if (!response.ok) throw new Error(`${query}: HTTP ${response.status}`);
  return ((await response.json()) as { value: Array<Record<string, unknown>> }).value;
}

/**
 * The maps of the emulator's state the bot's catalog runs (named by key `<table> - <name>`): the
 * gateway publishes more (the second map of a shared name), which the bot leaves alone.
 */
export function catalogMaps<T extends { name: string }>(maps: readonly T[]): T[] {
  const keys = new Set(ENTITY_MAP_CATALOG.map((map) => map.key));
  return maps.filter((map) => keys.has(map.name));
}
