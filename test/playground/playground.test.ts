import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/log';
import { openDatabase, type Db } from '../../src/store/database';
import type { ConversationStore } from '../../src/store/conversationStore';
import { SqliteConversationStore } from '../../src/store/sqliteConversationStore';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';
import { startPlayground, type RunningPlayground } from '../../src/playground/startPlayground';
import { APPROVER, OTHER_PEOPLE, PLAYGROUND_TEAM, REQUESTER } from '../../src/playground/playgroundPeople';
import { awaitsDecision, decisionClick, findPendingApproval } from '../../src/playground/pendingApproval';
import { awaitingApprovalRun, sampleRun } from '../support/runFixtures';

/**
 * The Agents Playground as `npm start` runs it: the generated config is the one it loads (it accepts
 * exactly five other users), it listens on loopback only, and `npm run approve` finds the card to
 * click from the bot's store.
 */
const PRELOAD = path.resolve(__dirname, '../../src/playground/loopbackOnly.cjs');

describe('the loopback preload', () => {
  it.each([
    ['listen(0, cb)', 'server.listen(0, done)'],
    ['listen(0)', 'server.listen(0); server.once("listening", done)'],
    ['listen({ port: 0 }, cb)', 'server.listen({ port: 0 }, done)'],
  ])('binds %s to 127.0.0.1', (_name, call) => {
    const script = `const server = require('node:http').createServer();
      const done = () => { process.stdout.write(server.address().address); server.close(); };
      ${call};`;
    const result = spawnSync(process.execPath, ['--require', PRELOAD, '-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('127.0.0.1');
  });

  it('answers 403 to a request whose Host is not a loopback name (a DNS-rebinding page)', () => {
    const script = `const http = require('node:http');
      const server = http.createServer((req, res) => res.end('ok')).listen(0, async () => {
        const port = server.address().port;
        const ask = (host) => new Promise((resolve) => http.get({ port, host: '127.0.0.1', headers: { Host: host } },
          (res) => resolve(res.statusCode)));
        const statuses = [await ask('evil.example:' + port), await ask('localhost:' + port), await ask('[::1]:' + port)];
        process.stdout.write(statuses.join(','));
        server.close();
      });`;
    const result = spawnSync(process.execPath, ['--require', PRELOAD, '-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('403,200,200');
  });

  it('leaves an explicit host alone', () => {
    const script = `const server = require('node:net').createServer();
      server.listen(0, '::1', () => { process.stdout.write(server.address().address); server.close(); });`;
    const result = spawnSync(process.execPath, ['--require', PRELOAD, '-e', script], { encoding: 'utf8' });
    // ::1 may be missing on a machine without IPv6; then the bind itself fails, never falls back.
    expect(result.stdout === '::1' || /EADDRNOTAVAIL|EAFNOSUPPORT/.test(result.stderr)).toBe(true);
  });
});

describe('the Agents Playground process', () => {
  let playground: RunningPlayground;
  let workDir: string;
  let botEndpoint: string;
  // A stand-in for the bot: the Playground checks its endpoint answers (and waits 15 s when not).
  const bot = http.createServer((_req, res) => res.writeHead(200).end());
  beforeAll(async () => {
    await new Promise<void>((resolve) => bot.listen(0, '127.0.0.1', resolve));
    botEndpoint = `http://127.0.0.1:${(bot.address() as net.AddressInfo).port}/api/messages`;
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-playground-'));
    playground = await startPlayground({
      botEndpoint,
      port: 0,
      botName: 'Dual-write Test',
      workDir,
      logger: createLogger('silent'),
    });
  });
  afterAll(async () => {
    await playground?.close();
    await new Promise((resolve) => bot.close(resolve));
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('loads the generated config: the team, Alex signed in, Priya and four others', async () => {
    const response = await fetch(`${playground.url}/_internal/v1/config`);
    expect(response.status).toBe(200);
    const { config } = (await response.json()) as {
      config: {
        bot: { name: string };
        currentUser: { id: string; aadObjectId: string };
        users: Array<{ id: string; name: string; aadObjectId: string }>;
        teams: Array<{ id: string; name: string; channels: Array<{ id: string; name: string }> }>;
      };
    };
    expect(config.bot.name).toBe('Dual-write Test');
    expect(config.currentUser).toMatchObject({ id: REQUESTER.id, aadObjectId: REQUESTER.aadObjectId });
    expect(config.users).toHaveLength(5);
    expect(config.users.map((u) => u.id)).toEqual(OTHER_PEOPLE.map((p) => p.id));
    expect(config.users[0]).toMatchObject({ name: 'Priya Approver', aadObjectId: APPROVER.aadObjectId });
    expect(new Set([REQUESTER.id, ...config.users.map((u) => u.id)]).size).toBe(6);
    expect(config.teams).toHaveLength(1);
    expect(config.teams[0]).toMatchObject({ id: PLAYGROUND_TEAM.id, name: PLAYGROUND_TEAM.name });
    // General's channel id is the team id, as in Teams.
    expect(config.teams[0].channels.map((c) => [c.id, c.name])).toEqual([
      [PLAYGROUND_TEAM.id, 'General'],
      [PLAYGROUND_TEAM.extraChannel.id, PLAYGROUND_TEAM.extraChannel.name],
    ]);
    expect(fs.readFileSync(playground.configFile, 'utf8')).toContain('"Dual-write Test"');
  });

  it('is reachable on 127.0.0.1 and on no other address of this machine', async () => {
    expect(playground.url).toBe(`http://127.0.0.1:${playground.port}`);
    const others = Object.values(os.networkInterfaces())
      .flat()
      .filter((a): a is os.NetworkInterfaceInfo => Boolean(a) && a!.family === 'IPv4' && !a!.internal)
      .map((a) => a.address);
    for (const address of others) {
      await expect(connect(address, playground.port)).rejects.toThrow(/ECONNREFUSED/);
    }
  });

  it('refuses a foreign Host header: a rebinding page cannot speak for the signed-in user', async () => {
    const status = (host: string) =>
      new Promise<number>((resolve, reject) =>
        http
          .get(
            { host: '127.0.0.1', port: playground.port, path: '/_debug/ping', headers: { Host: host } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject),
      );
    expect(await status(`evil.example:${playground.port}`)).toBe(403);
    expect(await status(`127.0.0.1:${playground.port}`)).toBe(200);
  });

  it('loads its config when DATA_DIR is relative (the default ./data)', async () => {
    const relative = path.relative(process.cwd(), path.join(workDir, 'relative'));
    expect(path.isAbsolute(relative)).toBe(false);
    const extra = await startPlayground({
      botEndpoint,
      port: 0,
      botName: 'Relative Bot',
      workDir: relative,
      logger: createLogger('silent'),
    });
    try {
      const { config } = (await (await fetch(`${extra.url}/_internal/v1/config`)).json()) as {
        config: { bot: { name: string }; currentUser: { id: string } };
      };
      expect(config.bot.name).toBe('Relative Bot');
      expect(config.currentUser.id).toBe(REQUESTER.id);
    } finally {
      await extra.close();
    }
  });

  it('stops its process on close', async () => {
    const extra = await startPlayground({
      botEndpoint,
      port: 0,
      botName: 'Dual-write Test',
      workDir: path.join(workDir, 'second'),
      logger: createLogger('silent'),
    });
    await extra.close();
    await expect(connect('127.0.0.1', extra.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('finding the pending approval for npm run approve', () => {
  let db: Db;
  let runs: SqliteRunStore;
  let conversations: ConversationStore;
  beforeEach(() => {
    db = openDatabase(':memory:');
    runs = new SqliteRunStore(db);
    conversations = new SqliteConversationStore(db);
  });
  afterEach(() => db.close());

  it('finds the newest waiting run and the card the bot posted for its approval', async () => {
    const run = awaitingApprovalRun();
    await runs.create(run, 'key-1', []);
    const step = run.steps.find((s) => s.status === 'awaiting_approval')!;
    await conversations.bindMessage(
      run.id,
      'approval',
      step.id,
      '19:team@thread.tacv2;messageid=1',
      '1795620860331',
    );
    const lookup = await findPendingApproval(runs, conversations, undefined);
    expect(lookup.found).not.toBeNull();
    const pending = lookup.found!;
    expect(pending.run.id).toBe(run.id);
    expect(pending.step.id).toBe(step.id);
    const click = decisionClick(pending, APPROVER.id, 'approve');
    expect(click).toEqual({
      conversationId: '19:team@thread.tacv2;messageid=1',
      replyToId: '1795620860331',
      fromId: APPROVER.id,
      action: {
        title: 'Approve',
        verb: 'run.approve',
        data: { runId: run.id, stepId: step.id, rev: pending.run.rev },
      },
    });
    expect((await findPendingApproval(runs, conversations, run.id.slice(0, 8))).found?.run.id).toBe(run.id);
  });

  it('finds an approval asked at Start while its run still runs, never one decided early', async () => {
    // As at Start: the bootstrap asked and undecided, earlier steps running, the run "running".
    const run = { ...awaitingApprovalRun(), status: 'running' as const };
    run.steps[4].status = 'running';
    const step = run.steps.find((s) => s.status === 'awaiting_approval')!;
    await runs.create(run, 'key-1', []);
    await conversations.bindMessage(run.id, 'approval', step.id, '19:team@thread.tacv2;messageid=1', '1795');
    const lookup = await findPendingApproval(runs, conversations, undefined);
    expect(lookup.found?.run.id).toBe(run.id);
    expect(lookup.found?.step.id).toBe(step.id);
    expect(awaitsDecision(step)).toBe(true);
    // Approved early, the step still waits for its needs: nothing is left to decide.
    const approved = {
      ...step,
      approval: { ...step.approval!, decision: sampleRun().steps[5].approval!.decision },
    };
    expect(awaitsDecision(approved)).toBe(false);
  });

  it('says why when there is nothing to approve', async () => {
    expect(await findPendingApproval(runs, conversations, undefined)).toEqual({
      found: null,
      reason: 'No run has an approval waiting for a decision.',
    });
    const running = sampleRun();
    await runs.create(running, 'key-2', []);
    expect((await findPendingApproval(runs, conversations, running.id.slice(0, 8))).found).toBeNull();
    expect(await findPendingApproval(runs, conversations, 'ffffffff')).toEqual({
      found: null,
      reason: 'There is no run ffffffff.',
    });
    const waiting = {
      ...awaitingApprovalRun(),
      id: '9a8b7c6d-0000-4000-8000-000000000001',
      lockKey: 'other|pair',
    };
    await runs.create(waiting, 'key-3', []);
    const lookup = await findPendingApproval(runs, conversations, '9a8b7c6d');
    expect(lookup.found).toBeNull();
    expect(lookup).toMatchObject({ reason: expect.stringContaining('has not been posted yet') });
  });
});

function connect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
