import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

// Where the running Playground is, written by `npm start` so `npm run approve` finds it even when its
// preferred port was taken and another one was picked: once in DATA_DIR, and once in a registry in a
// well-known place (the OS temp folder, one file per bot process) so a bot started with another
// DATA_DIR is found too.

const stateSchema = z.object({
  url: z.string().url(),
  botUrl: z.string().url(),
  pid: z.number().int(),
  /** Absolute DATA_DIR of the bot that started it (where its store is). */
  dataDir: z.string().optional(),
});
export type PlaygroundState = z.infer<typeof stateSchema>;

/** The well-known registry of running Playgrounds (per OS user). */
export function defaultRegistryDir(): string {
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : os.userInfo().username;
  return path.join(os.tmpdir(), `dualwrite-setup-bot-${user}`, 'playgrounds');
}

export function playgroundDir(dataDir: string): string {
  return path.join(dataDir, 'playground');
}

function stateFile(dataDir: string): string {
  return path.join(playgroundDir(dataDir), 'playground.json');
}

const registryFile = (registryDir: string, pid: number) => path.join(registryDir, `${pid}.json`);

export function writePlaygroundState(
  dataDir: string,
  state: Omit<PlaygroundState, 'dataDir'>,
  registryDir: string = defaultRegistryDir(),
): void {
  const full: PlaygroundState = { ...state, dataDir: path.resolve(dataDir) };
  const json = `${JSON.stringify(full, null, 2)}\n`;
  fs.mkdirSync(playgroundDir(dataDir), { recursive: true });
  fs.writeFileSync(stateFile(dataDir), json);
  try {
    fs.mkdirSync(registryDir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(registryFile(registryDir, state.pid), json);
  } catch {
    // The registry only helps `npm run approve` guess; DATA_DIR still has the state.
  }
}

export function clearPlaygroundState(
  dataDir: string,
  pid: number = process.pid,
  registryDir: string = defaultRegistryDir(),
): void {
  fs.rmSync(stateFile(dataDir), { force: true });
  fs.rmSync(registryFile(registryDir, pid), { force: true });
}

function readState(file: string): PlaygroundState | null {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function readPlaygroundState(dataDir: string): PlaygroundState | null {
  return readState(stateFile(dataDir));
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Registered Playgrounds whose bot process still runs; files of dead processes are removed. */
export function registeredPlaygrounds(registryDir: string = defaultRegistryDir()): PlaygroundState[] {
  let names: string[];
  try {
    names = fs.readdirSync(registryDir).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const alive: PlaygroundState[] = [];
  for (const name of names) {
    const file = path.join(registryDir, name);
    const state = readState(file);
    if (state && processAlive(state.pid)) alive.push(state);
    else fs.rmSync(file, { force: true });
  }
  return alive;
}

export type PlaygroundLocation =
  { found: true; state: PlaygroundState; dataDir: string; note?: string } | { found: false; message: string };

/**
 * The Playground `npm run approve` should click through: the one of this DATA_DIR when it answers,
 * else the only running one, else a message that says exactly what to pass.
 */
export async function locatePlayground(
  dataDir: string,
  ping: (url: string) => Promise<boolean>,
  registryDir: string = defaultRegistryDir(),
): Promise<PlaygroundLocation> {
  const own = readPlaygroundState(dataDir);
  if (own && processAlive(own.pid) && (await ping(own.url))) {
    return { found: true, state: own, dataDir };
  }
  const running: PlaygroundState[] = [];
  for (const state of registeredPlaygrounds(registryDir)) {
    if (state.dataDir && (await ping(state.url))) running.push(state);
  }
  const here = path.resolve(dataDir);
  if (running.length === 1) {
    const [state] = running;
    return {
      found: true,
      state,
      dataDir: state.dataDir!,
      note:
        state.dataDir === here
          ? undefined
          : `No Playground runs for DATA_DIR=${here}; using the one started with DATA_DIR=${state.dataDir} (${state.url}).`,
    };
  }
  if (running.length > 1) {
    return {
      found: false,
      message: [
        `${running.length} Agents Playgrounds are running, none for DATA_DIR=${here}. Say which one:`,
        ...running.map((state) => `  DATA_DIR=${state.dataDir} npm run approve    # ${state.url}`),
      ].join('\n'),
    };
  }
  return {
    found: false,
    message: `The Agents Playground is not running (none for DATA_DIR=${here}, and none registered in ${registryDir}): start it with "npm start" (without BOT_ID; PLAYGROUND on).`,
  };
}
