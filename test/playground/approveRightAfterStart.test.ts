import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import { findCard, startHarness, type Harness } from '../support/botHarness';
import { reachContosoConfirmation } from '../support/scenarioDriver';
import { responseCard, textOf, type Conversation, type TeamsUser } from '../support/teamsClient';
import { APPROVER, OTHER_PEOPLE, REQUESTER } from '../../src/playground/playgroundPeople';
import { writePlaygroundState } from '../../src/playground/playgroundState';

/**
 * Issue 30: approvals are asked at Start, so the approval card shows while the step still waits for
 * the steps it needs (the run is "running", not "waiting"). `npm run approve`, run right then as the
 * README says, must decide it as the card's Approve does and say which run and step it decided.
 *
 * The real script runs as a process against the bot's store. The Agents Playground is stood in for
 * by a small server that answers its ping and turns its invoke endpoint into the invoke Teams sends
 * (from the Playground person whose id it names), so the click reaches the bot's own verb and engine
 * command. The emulator deploys F&O slowly (EMULATOR_TIME_SCALE 0.02: an hour takes 72 s), so the
 * decision provably lands before the bootstrap's needs are done.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const PEOPLE = [REQUESTER, APPROVER, ...OTHER_PEOPLE];
const teamsUser = (id: string): TeamsUser => {
  const person = PEOPLE.find((p) => p.id === id);
  if (!person) throw new Error(`not a Playground person: ${id}`);
  return { id: person.id, aadObjectId: person.aadObjectId, name: person.name };
};

let h: Harness;
let playground: http.Server;
let conversation: Conversation;

beforeAll(async () => {
  h = await startHarness({
    EMULATOR_TIME_SCALE: '0.02',
    ADMINS: REQUESTER.aadObjectId,
    APPROVERS: APPROVER.aadObjectId,
    FOUR_EYES: 'true',
  });
  playground = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.url === '/_debug/ping') return void res.writeHead(200).end('pong');
      if (req.method !== 'POST' || req.url !== '/_conversation/v1/invoke')
        return void res.writeHead(404).end();
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        value: { action: { verb: string; data: Record<string, unknown> } };
        from: { id: string };
        conversation: { id: string };
        replyToId: string;
      };
      if (body.conversation.id !== conversation.id) return void res.writeHead(404).end();
      const { verb, data } = body.value.action;
      h.client.invoke(teamsUser(body.from.id), conversation, verb, data, body.replyToId).then(
        (answer) =>
          res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer.body)),
        (error: Error) => res.writeHead(502).end(error.message),
      );
    });
  });
  await new Promise<void>((resolve) => playground.listen(0, '127.0.0.1', resolve));
  const port = (playground.address() as net.AddressInfo).port;
  // Where `npm start` says its Playground is; the registry stays private to this test.
  writePlaygroundState(
    h.dataDir,
    { url: `http://127.0.0.1:${port}`, botUrl: h.bot.url, pid: process.pid },
    path.join(h.dataDir, 'registry'),
  );
});

afterAll(async () => {
  await new Promise((resolve) => playground?.close(resolve));
  await h?.close();
  if (h) fs.rmSync(h.dataDir, { recursive: true, force: true });
});

function npmRunApprove(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'approve'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('decides the approval asked at Start while its step still waits for its needs, and says which', async () => {
  const alex = teamsUser(REQUESTER.id);
  const reached = await reachContosoConfirmation(h, alex, {
    financeOpsName: 'early-fo',
    companyCode: 'ERLY',
    companyName: 'Early Ltd',
  });
  conversation = reached.conversation;
  const started = responseCard(
    await h.client.click(alex, conversation, reached.confirm, reached.cardId, 'setup.start'),
  );
  const runId = String(/"runId":"([0-9a-f-]{36})"/.exec(textOf(started))?.[1]);
  await h.connector.waitFor(
    (m) => findCard(m, conversation.id, 'Approval needed'),
    30_000,
    'the approval card',
  );

  // The moment the card is shown: asked, undecided, the F&O still deploying, the run not "waiting".
  const asked = (await h.bot.engine.get(runId))!;
  const bootstrap = asked.steps.find((s) => s.kind === 'bootstrapCompanyData')!;
  const provision = asked.steps.find((s) => s.kind === 'provisionFinanceOps')!;
  expect(bootstrap.status).toBe('awaiting_approval');
  expect(bootstrap.approval?.decision).toBeUndefined();
  expect(asked.status).toBe('running');

  const result = await npmRunApprove(h.dataDir);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const what = `"${bootstrap.title}" (step ${bootstrap.id}) of run ${runId.slice(0, 8)}`;
  expect(result.stdout).toContain(`Priya Approver approves ${what}, requested by Alex Admin...`);
  expect(result.stdout).toMatch(/\nApproved by Priya Approver on [^\n]+ UTC: "/);
  expect(result.stdout).toContain(`${what}. The step runs once`);

  const decided = (await h.bot.engine.get(runId))!;
  const step = decided.steps.find((s) => s.id === bootstrap.id)!;
  expect(step.approval?.decision).toMatchObject({ approved: true, by: { name: APPROVER.name } });
  // Decided early: the F&O deployment the bootstrap needs has not finished.
  expect(decided.steps.find((s) => s.id === provision.id)!.status).toBe('running');
  // The shared card changed in place for everyone, as after a click on Approve.
  await h.connector.waitFor(
    (m) => findCard(m, conversation.id, 'Approved by Priya Approver'),
    15_000,
    'the approval card to show the decision',
  );
});
