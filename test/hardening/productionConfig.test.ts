import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

/**
 * Production (BOT_ID set) fails closed: a configuration that would let anyone start or approve a
 * setup, or that leaves the Dynamics mode to a default, stops the process with exit code 2 and one
 * line naming the variable. Before, such a bot started and served everyone.
 */
const BOT_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CLOSED = {
  BOT_ID,
  BOT_PASSWORD: 'x',
  BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
  ADMINS: '00000000-0000-4000-8000-0000000000a1',
  APPROVERS: '00000000-0000-4000-8000-0000000000a2',
  DYNAMICS_MODE: 'live',
};
const without = (name: keyof typeof CLOSED) => {
  const env: Record<string, string> = { ...CLOSED };
  delete env[name];
  return env;
};

/** Starts `src/index.ts` as `npm start` would (through tsx) with only this environment. */
function start(env: Record<string, string>) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-prod-'));
  return spawnSync(process.execPath, [require.resolve('tsx/cli'), 'src/index.ts'], {
    cwd: path.join(__dirname, '..', '..'),
    // No inherited variables: the test decides the whole configuration. A bot that does start (the
    // bug) listens on a free port and is killed at the timeout, giving status null, not 2.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: os.tmpdir(),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('production fails closed', () => {
  it.each<[string, Record<string, string>, RegExp]>([
    ['ADMINS empty', without('ADMINS'), /^Invalid environment variable ADMINS: required when BOT_ID is set/],
    ['DYNAMICS_MODE not given', without('DYNAMICS_MODE'), /^Invalid environment variable DYNAMICS_MODE: /],
  ])('%s: the process exits 2 with one line', (_name, env, message) => {
    const result = start(env);
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });

  it.each<[string, Record<string, string>, string]>([
    ['ADMINS empty', without('ADMINS'), 'ADMINS'],
    ['APPROVERS empty', without('APPROVERS'), 'APPROVERS'],
    ['DYNAMICS_MODE not given', without('DYNAMICS_MODE'), 'DYNAMICS_MODE'],
    ['no tenant to allow', without('BOT_TENANT_ID'), 'ALLOWED_TENANTS'],
    [
      'the Dynamics app registration is the bot',
      { ...CLOSED, AZURE_CLIENT_ID: BOT_ID.toUpperCase() },
      'AZURE_CLIENT_ID',
    ],
  ])('%s: refused, naming the variable', (_name, env, variable) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid environment variable ${variable}:`));
  });

  it('a closed configuration loads: tenants from BOT_TENANT_ID unless ALLOWED_TENANTS says', () => {
    expect(loadConfig(CLOSED).allowedTenants).toEqual([CLOSED.BOT_TENANT_ID]);
    expect(loadConfig({ ...CLOSED, ALLOWED_TENANTS: 'a, b' }).allowedTenants).toEqual(['a', 'b']);
    expect(loadConfig({ ...CLOSED, DYNAMICS_MODE: 'emulator' }).DYNAMICS_MODE).toBe('emulator');
  });

  it('local mode (no BOT_ID) keeps its open defaults', () => {
    const config = loadConfig({});
    expect(config.DYNAMICS_MODE).toBe('emulator');
    expect(config.ADMINS).toEqual([]);
  });
});
