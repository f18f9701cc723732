import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, configSchema, loadConfig, redactedValue } from '../src/config';
import { hostSuffixesOf } from '../src/composition/dynamicsConnection';
import { createDynamicsUrlPolicy } from '../src/platform/http/dynamicsUrls';

describe('configuration', () => {
  it('has working defaults: port 3978 on loopback, emulator mode', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3978);
    expect(config.listenHost).toBe('127.0.0.1');
    expect(config.DYNAMICS_MODE).toBe('emulator');
    expect(config.FOUR_EYES).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DYNAMICS_MODE: 'cloud' }, 'DYNAMICS_MODE'],
    [{ FOUR_EYES: 'maybe' }, 'FOUR_EYES'],
    [{ BOT_ID: 'not-a-guid' }, 'BOT_ID'],
    [{ TEAMS_APP_ID: 'x' }, 'TEAMS_APP_ID'],
    [{ DATABASE_URL: 'mysql://u@h/db' }, 'DATABASE_URL'],
    [{ DATABASE_AUTH: 'managed-identity' }, 'DATABASE_URL'],
    [{ DATABASE_AUTH: 'kerberos', DATABASE_URL: 'postgres://u@h/db' }, 'DATABASE_AUTH'],
    [{ LEASE_TTL_SECONDS: '4', LEASE_HEARTBEAT_SECONDS: '3' }, 'LEASE_HEARTBEAT_SECONDS'],
    [{ POWER_PLATFORM_REGION: 'west us' }, 'POWER_PLATFORM_REGION'],
    [{ MAX_ACTIVE_RUNS_PER_ADMIN: '0' }, 'MAX_ACTIVE_RUNS_PER_ADMIN'],
    [{ MAX_ACTIVE_RUNS_PER_ADMIN: '2.5' }, 'MAX_ACTIVE_RUNS_PER_ADMIN'],
    [{ MAX_ACTIVE_RUNS_PER_TENANT: 'many' }, 'MAX_ACTIVE_RUNS_PER_TENANT'],
    [{ APPROVAL_TIMEOUT_MINUTES: '0' }, 'APPROVAL_TIMEOUT_MINUTES'],
    [{ APPROVAL_TIMEOUT_MINUTES: '100000000' }, 'APPROVAL_TIMEOUT_MINUTES'],
    [{ APPROVAL_REMINDER_MINUTES: '0' }, 'APPROVAL_REMINDER_MINUTES'],
    [{ LEASE_TTL_SECONDS: '0' }, 'LEASE_TTL_SECONDS'],
    [{ HTTP_TIMEOUT_MS: '0' }, 'HTTP_TIMEOUT_MS'],
    [{ HTTP_TIMEOUT_MS: '9999999999' }, 'HTTP_TIMEOUT_MS'],
    [{ EMULATOR_TIME_SCALE: '0' }, 'EMULATOR_TIME_SCALE'],
  ])('names the bad variable in %j', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`^Invalid environment variable ${name}:`));
  });

  it('limits unfinished runs to 5 per admin and 20 per tenant unless told otherwise', () => {
    expect(loadConfig({})).toMatchObject({ MAX_ACTIVE_RUNS_PER_ADMIN: 5, MAX_ACTIVE_RUNS_PER_TENANT: 20 });
    expect(loadConfig({ MAX_ACTIVE_RUNS_PER_ADMIN: ' 2 ', MAX_ACTIVE_RUNS_PER_TENANT: '40' })).toMatchObject({
      MAX_ACTIVE_RUNS_PER_ADMIN: 2,
      MAX_ACTIVE_RUNS_PER_TENANT: 40,
    });
  });

  it('takes the Power Platform region from POWER_PLATFORM_REGION, unitedstates by default', () => {
    expect(loadConfig({}).POWER_PLATFORM_REGION).toBe('unitedstates');
    expect(loadConfig({ POWER_PLATFORM_REGION: ' Europe ' }).POWER_PLATFORM_REGION).toBe('europe');
  });

  it('selects PostgreSQL with a postgres:// URL, SQLite without one', () => {
    expect(loadConfig({}).DATABASE_URL).toBeUndefined();
    const config = loadConfig({
      DATABASE_URL: 'postgresql://bot@db.postgres.database.azure.com:5432/dwbot?sslmode=require',
      DATABASE_AUTH: 'managed-identity',
    });
    expect(config.DATABASE_URL).toMatch(/^postgresql:/);
    expect(config.LEASE_TTL_SECONDS).toBe(15);
    expect(config.LEASE_HEARTBEAT_SECONDS).toBe(5);
  });

  it.each([
    ['off', false],
    ['ON', true],
    ['on', true],
    [' no ', false],
    ['Yes', true],
    ['0', false],
    ['TRUE', true],
    ['', true],
  ])('reads the switch PLAYGROUND=%j as %s', (value, expected) => {
    expect(loadConfig({ PLAYGROUND: value }).PLAYGROUND).toBe(expected);
  });

  it('says which words a switch accepts', () => {
    expect(() => loadConfig({ DUALWRITE_GATEWAY_ENABLED: 'enabled' })).toThrow(
      'Invalid environment variable DUALWRITE_GATEWAY_ENABLED: must be true or false (also accepted: 1/0, yes/no, on/off) (got "enabled")',
    );
  });

  it('refuses to listen beyond loopback without Bot Framework auth', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST: without BOT_ID/);
  });

  it('listens on all interfaces once auth is configured', () => {
    const config = loadConfig({
      BOT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      BOT_PASSWORD: 'x',
      BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
      ADMINS: 'a',
      APPROVERS: 'b',
      DYNAMICS_MODE: 'live',
    });
    expect(config.listenHost).toBe('0.0.0.0');
  });

  it('requires the client secret trio in live mode with client-secret auth', () => {
    expect(() =>
      loadConfig({ DYNAMICS_MODE: 'live', LIVE_WITHOUT_BOT_AUTH: 'true', AZURE_AUTH: 'client-secret' }),
    ).toThrow(/AZURE_TENANT_ID/);
  });

  it('AZURE_AUTH=obo: needs BOT_ID (the Teams SSO token) and, live, the Dynamics registration and its secret', () => {
    expect(() => loadConfig({ AZURE_AUTH: 'obo' })).toThrow(
      "Invalid environment variable AZURE_AUTH: obo acts with the admin's Teams single sign-on token, which needs BOT_ID",
    );
    expect(() => loadConfig({ AZURE_AUTH: 'sso' })).toThrow(/AZURE_AUTH/);
    expect(() =>
      loadConfig({ DYNAMICS_MODE: 'live', LIVE_WITHOUT_BOT_AUTH: 'true', AZURE_AUTH: 'obo' }),
    ).toThrow('Invalid environment variable AZURE_TENANT_ID: required when AZURE_AUTH=obo');
  });

  it('never prints a password or a client secret in an error', () => {
    const mistyped = 'postgress://dwbot:Sup3r-s3cret@db.example:5432/dwbot';
    expect(() => loadConfig({ DATABASE_URL: mistyped })).toThrow(
      'Invalid environment variable DATABASE_URL: must be a postgres:// or postgresql:// URL (got "postgress://dwbot:***@db.example:5432/dwbot")',
    );
    expect(redactedValue('DATABASE_URL', 'host=db password=hunter2 user=bot')).toBe(
      'host=db password=*** user=bot',
    );
    expect(redactedValue('AZURE_CLIENT_SECRET', 'abc~def')).toBe('***');
  });

  it('stops the process with exit code 2 and one line naming PORT when PORT=abc', () => {
    const root = path.join(__dirname, '..');
    const result = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'src/index.ts'], {
      cwd: root,
      env: { ...process.env, PORT: 'abc' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid environment variable PORT: /);
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('local mode is never production, never live by accident', () => {
  it('refuses NODE_ENV=production without BOT_ID', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /^Invalid environment variable NODE_ENV: production requires BOT_ID/,
    );
  });

  it('refuses DYNAMICS_MODE=live without BOT_ID unless LIVE_WITHOUT_BOT_AUTH accepts the risk', () => {
    expect(() => loadConfig({ DYNAMICS_MODE: 'live' })).toThrow(
      /^Invalid environment variable DYNAMICS_MODE: live requires BOT_ID .*LIVE_WITHOUT_BOT_AUTH=true/,
    );
    expect(loadConfig({ DYNAMICS_MODE: 'live', LIVE_WITHOUT_BOT_AUTH: 'true' }).DYNAMICS_MODE).toBe('live');
  });
});

describe('production (BOT_ID set)', () => {
  const production = {
    BOT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
    BOT_PASSWORD: 'x',
    BOT_TENANT_ID: '11111111-2222-4333-8444-555555555555',
    ADMINS: 'a',
    APPROVERS: 'b',
    DYNAMICS_MODE: 'live',
  };

  it('BOT_FRAMEWORK_AUTH=emulator: emulator mode with BOT_ID only, and on loopback', () => {
    const emulated = { ...production, DYNAMICS_MODE: 'emulator', BOT_FRAMEWORK_AUTH: 'emulator' };
    expect(loadConfig(emulated)).toMatchObject({ BOT_FRAMEWORK_AUTH: 'emulator', listenHost: '127.0.0.1' });
    expect(loadConfig(production).BOT_FRAMEWORK_AUTH).toBe('azure');
    expect(() => loadConfig({ ...emulated, DYNAMICS_MODE: 'live' })).toThrow(
      /^Invalid environment variable BOT_FRAMEWORK_AUTH: emulator is for DYNAMICS_MODE=emulator only/,
    );
    expect(() => loadConfig({ DYNAMICS_MODE: 'emulator', BOT_FRAMEWORK_AUTH: 'emulator' })).toThrow(
      /^Invalid environment variable BOT_FRAMEWORK_AUTH: emulator needs BOT_ID/,
    );
    expect(() => loadConfig({ ...emulated, HOST: '0.0.0.0' })).toThrow(
      /^Invalid environment variable BOT_FRAMEWORK_AUTH: emulator listens on loopback only/,
    );
    expect(() => loadConfig({ ...emulated, BOT_FRAMEWORK_AUTH: 'local' })).toThrow(/BOT_FRAMEWORK_AUTH/);
  });

  it('refuses FOUR_EYES=false', () => {
    expect(() => loadConfig({ ...production, FOUR_EYES: 'false' })).toThrow(
      /^Invalid environment variable FOUR_EYES: must stay true when BOT_ID is set/,
    );
  });

  it.each(['GRAPH_API_URL', 'POWER_PLATFORM_API_URL', 'BAP_API_URL', 'LCS_API_URL', 'DUALWRITE_GATEWAY_URL'])(
    'refuses an http:// %s (tokens in clear), but not a loopback one',
    (name) => {
      expect(() => loadConfig({ ...production, [name]: 'http://api.example.com' })).toThrow(
        new RegExp(`^Invalid environment variable ${name}: must be https when BOT_ID is set`),
      );
      expect(() => loadConfig({ ...production, [name]: 'http://127.0.0.1:3979/x' })).not.toThrow();
    },
  );
});

describe('.env.sample', () => {
  it('documents every variable of the config schema, and nothing else', () => {
    const sample = fs.readFileSync(path.join(__dirname, '..', '.env.sample'), 'utf8');
    const documented = [...sample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape).sort());
  });
});

describe("README's configuration table", () => {
  it('names every variable of the config schema', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration\n'), readme.indexOf('## New F&O'));
    const named = new Set([...section.matchAll(/`([A-Z][A-Z0-9_]*)[`=]/g)].map((m) => m[1]));
    expect(Object.keys(configSchema.shape).filter((name) => !named.has(name))).toEqual([]);
  });
});

describe('cloud-hosted development environments (customer VMs)', () => {
  const vm = 'https://contoso-dev.cloudax.dynamics.com';
  const policy = (env: Record<string, string>) =>
    createDynamicsUrlPolicy({ mode: 'live', hostSuffixes: hostSuffixesOf(loadConfig(env)) });

  it('are refused by default and allowed with ALLOW_CLOUD_HOSTED_ENVIRONMENTS=true', () => {
    expect(policy({}).check(vm).ok).toBe(false);
    expect(policy({}).check('https://contoso.operations.dynamics.com').ok).toBe(true);
    expect(policy({ ALLOW_CLOUD_HOSTED_ENVIRONMENTS: 'true' }).check(vm).ok).toBe(true);
  });
});
