import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// Where the running Playground is, written by `npm start` so `npm run approve` finds it even when its
// preferred port was taken and another one was picked.

const stateSchema = z.object({ url: z.string().url(), botUrl: z.string().url(), pid: z.number().int() });
export type PlaygroundState = z.infer<typeof stateSchema>;

export function playgroundDir(dataDir: string): string {
  return path.join(dataDir, 'playground');
}

function stateFile(dataDir: string): string {
  return path.join(playgroundDir(dataDir), 'playground.json');
}

export function writePlaygroundState(dataDir: string, state: PlaygroundState): void {
  fs.mkdirSync(playgroundDir(dataDir), { recursive: true });
  fs.writeFileSync(stateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function clearPlaygroundState(dataDir: string): void {
  fs.rmSync(stateFile(dataDir), { force: true });
}

export function readPlaygroundState(dataDir: string): PlaygroundState | null {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(fs.readFileSync(stateFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
