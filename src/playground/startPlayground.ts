import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../log';
import { projectRoot } from '../projectRoot';
import { PLAYGROUND_CONFIG_FILE, playgroundConfigYaml } from './playgroundConfig';

// Starts the Microsoft 365 Agents Playground (a local Teams-like page that talks Bot Framework to
// the bot) as a child process on loopback, with a generated config (team, channel, the requester
// and the approver). Only for local mode: the bot must run without Bot Framework auth.

export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages. */
  botEndpoint: string;
  /** Preferred port; 0 picks a free one. When taken, a free one is picked unless `strictPort`. */
  port: number;
  strictPort?: boolean;
  botName: string;
  /** Folder for the generated config and the Playground's own log (devTools/). */
  workDir: string;
  logger: Logger;
  /** How long to wait for the page to answer (ms). */
  startTimeoutMs?: number;
}

export interface RunningPlayground {
  /** The page, e.g. http://127.0.0.1:56150 */
  url: string;
  port: number;
  configFile: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

export async function startPlayground(options: PlaygroundOptions): Promise<RunningPlayground> {
  const { logger } = options;
  // Absolute: the child runs in this folder, so a relative DATA_DIR would point elsewhere there.
  const workDir = path.resolve(options.workDir);
  fs.mkdirSync(workDir, { recursive: true });
  const configFile = path.join(workDir, PLAYGROUND_CONFIG_FILE);
  fs.writeFileSync(configFile, playgroundConfigYaml(options.botName));

  const port = await choosePort(options.port, options.strictPort ?? false);
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const preload = path.join(projectRoot(), 'src', 'playground', 'loopbackOnly.cjs');
  const args = [
    '--require',
    preload,
    cli,
    '--app-endpoint',
    options.botEndpoint,
    '--channel-id',
    'msteams',
    '--port',
    String(port),
    // The bot calls back here; an explicit IPv4 address, since "localhost" may resolve to ::1.
    '--service-url',
    `http://${HOST}:${port}/_connector`,
    '--disable-telemetry',
  ];
  const child = spawn(process.execPath, args, {
    cwd: workDir,
    // The child inherits the environment (PATH, HOME) plus the Playground's own switches.
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(workDir, 'devTools', 'm365agentsplayground.log'),
      TEAMSAPPTESTER_BROWSER: 'none',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const remember = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      output.push(line);
      if (output.length > 40) output.shift();
      logger.debug({ component: 'playground', stream }, line);
    }
  };
  child.stdout?.on('data', remember('stdout'));
  child.stderr?.on('data', remember('stderr'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A crashed or killed parent must not leave the Playground behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const url = `http://${HOST}:${port}`;
  try {
    await waitForPing(url, exited, options.startTimeoutMs ?? 30_000);
  } catch (error) {
    await stop(child, exited);
    process.removeListener('exit', killOnExit);
    throw new Error(`The Agents Playground did not start: ${(error as Error).message}\n${output.join('\n')}`);
  }
  logger.info({ url, configFile, botEndpoint: options.botEndpoint }, 'agents playground listening');
  return {
    url,
    port,
    configFile,
    async close() {
      process.removeListener('exit', killOnExit);
      await stop(child, exited);
    },
  };
}

async function choosePort(preferred: number, strict: boolean): Promise<number> {
  if (preferred !== 0 && (await portFree(preferred))) return preferred;
  if (preferred !== 0 && strict) throw new Error(`port ${preferred} on ${HOST} is in use`);
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

async function waitForPing(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone) throw new Error('the process exited');
    try {
      const response = await fetch(`${url}/_debug/ping`, { signal: AbortSignal.timeout(1000) });
      if (response.ok && (await response.text()).includes('pong')) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`no answer from ${url}/_debug/ping within ${timeoutMs} ms`);
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
