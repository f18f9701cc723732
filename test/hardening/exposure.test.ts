import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { user } from '../support/teamsClient';
import { newConversation } from '../support/teamsClient';
import { startLoggedHarness, type LoggedHarness } from './support/hardeningHarness';

/**
 * What the bot shows and leaves lying around: `/healthz` and `/readyz` tell strangers only their status (before:
 * version, mode and the emulator URL to anyone); the SQLite files are the owner's only (before:
 * world-readable, 0644); the Playground is no part of a production install.
 */
const ROOT = path.join(__dirname, '..', '..');
const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('exposure', () => {
  describe('local mode', () => {
    let h: LoggedHarness;
    beforeAll(async () => {
      h = await startLoggedHarness({}, 'silent');
    });
    afterAll(async () => {
      await h?.close();
    });

    it('healthz gives the local operator (loopback, no BOT_ID) the details', async () => {
      const body = (await (await fetch(`${h.bot.url}/healthz`)).json()) as Record<string, unknown>;
      expect(body).toEqual({ status: 'ok', version: expect.any(String), replica: 'local', mode: 'emulator' });
    });

    it('the data folder is 0700 and every SQLite file (with -wal and -shm) 0600', async () => {
      // A message makes the bot write (a conversation reference), so the WAL files exist.
      expect(await h.client.say(user('Alex Admin'), newConversation(), 'help')).toBe(200);
      await h.connector.waitFor((m) => (m.length > 0 ? true : undefined), 10_000, 'the reply');
      expect(mode(h.dataDir)).toBe(0o700);
      const files = fs.readdirSync(h.dataDir).filter((f) => /\.sqlite(-wal|-shm)?$/.test(f));
      expect(files).toEqual(expect.arrayContaining(['bot.sqlite', 'bot.sqlite-wal', 'emulator.sqlite']));
      for (const file of files) expect([file, mode(path.join(h.dataDir, file))]).toEqual([file, 0o600]);
    });
  });

  describe('production (BOT_ID set)', () => {
    let h: LoggedHarness;
    beforeAll(async () => {
      h = await startLoggedHarness(
        {
          BOT_ID: '6f1d1c6e-55a4-4c8e-9d7b-0c2f4f1e7a11',
          BOT_PASSWORD: 'x',
          HOST: '127.0.0.1',
          BOT_TENANT_ID: 'tenant-contoso',
          ADMINS: 'a',
          APPROVERS: 'b',
          DYNAMICS_MODE: 'emulator',
        },
        'silent',
      );
    });
    afterAll(async () => {
      await h?.close();
    });

    it('healthz and readyz tell anyone only their status', async () => {
      const response = await fetch(`${h.bot.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${h.bot.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready' });
    });
  });

  describe('the Agents Playground is a development dependency', () => {
    it('package.json lists it among devDependencies only', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<
        string,
        Record<string, string>
      >;
      expect(pkg.dependencies['@microsoft/m365agentsplayground']).toBeUndefined();
      expect(pkg.devDependencies['@microsoft/m365agentsplayground']).toEqual(expect.any(String));
    });

    it('without it installed (as after npm ci --omit=dev) the bot starts and says why there is no Playground', async () => {
      // The preload makes the package unresolvable, as it is in a production install.
      const preload = path.join(os.tmpdir(), `no-playground-${process.pid}.cjs`);
      fs.writeFileSync(
        preload,
        `const Module = require('module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request.startsWith('@microsoft/m365agentsplayground')) {
    const error = new Error("Cannot find module '" + request + "'");
    error.code = 'MODULE_NOT_FOUND';
    throw error;
  }
  return resolve.call(this, request, ...rest);
};
`,
      );
      const child = spawn(
        process.execPath,
        // NODE_OPTIONS, not a flag: tsx runs the script in a child process of its own.
        [require.resolve('tsx/cli'), 'src/index.ts'],
        {
          cwd: ROOT,
          env: {
            NODE_OPTIONS: `--require ${preload}`,
            PATH: process.env.PATH ?? '',
            HOME: os.tmpdir(),
            PORT: '0',
            EMULATOR_PORT: '0',
            PLAYGROUND: 'true',
            LOG_LEVEL: 'silent',
            DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-noplay-')),
          },
        },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
      try {
        const deadline = Date.now() + 45_000;
        while (!/Agents Playground did not start/.test(out) && Date.now() < deadline) {
          if (child.exitCode !== null) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/api\/messages/);
        expect(out).toMatch(/Agents Playground did not start.*not installed/);
        expect(child.exitCode).toBeNull();
      } finally {
        // tsx forwards SIGTERM to the bot, which stops cleanly.
        child.kill('SIGTERM');
        await new Promise((resolve) =>
          child.exitCode !== null ? resolve(null) : child.once('exit', resolve),
        );
        fs.rmSync(preload, { force: true });
      }
    }, 60_000);
  });
});
