import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { RunningEmulator } from '../../src/emulator/index';
import type { Run } from '../../src/engine/model';
import { createSetupEngine, type SetupEngine } from '../../src/engine/setupEngine';
import { systemClock } from '../../src/engine/systemClock';
import { openDatabase, type Db } from '../../src/store/database';
import { InProcessRunSignals } from '../../src/store/runSignals';
import { SqliteRunLeases } from '../../src/store/sqliteRunLeases';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';
import { alice, bob, reviewed } from '../engine/engineHarness';
import { emulatorPlatform, startRigEmulator } from '../engine/emulatorRig';
import { parentOf, startTelemetryKit, type TelemetryKit } from './telemetryKit';

/**
 * A whole run against the emulator, traced and measured through the real SDK wiring
 * (src/composition/telemetry.ts) into memory: the span tree (run root, step attempts, Dynamics calls),
 * a takeover by another replica continuing the same trace, and the metrics the run moves.
 */
describe('a run as telemetry', () => {
  let emu: RunningEmulator;
  let kit: TelemetryKit;
  const open: Array<{ engine: SetupEngine; db: Db }> = [];
  let file: string;

  beforeEach(async () => {
    kit = await startTelemetryKit();
    emu = await startRigEmulator();
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otel-')), 'runs.sqlite');
  });
  afterEach(async () => {
    for (const { engine, db } of open.splice(0)) {
      await engine.close();
      db.close();
    }
    await emu?.close();
    await kit?.close();
  });

  /** One replica over the shared SQLite file (its own connection, like another process). */
  function replica(owner: string, approve: boolean): SetupEngine {
    const db = openDatabase(file);
    const engine = createSetupEngine({
      platform: emulatorPlatform(emu.url),
      store: new SqliteRunStore(db),
      clock: systemClock,
      approvalTimeoutMs: 24 * 3600_000,
      approvalReminderMs: 3600_000,
      fourEyes: true,
      pollIntervalMs: 20,
      replicas: {
        leases: new SqliteRunLeases(db),
        signals: new InProcessRunSignals(),
        owner,
        ttlMs: 2_000,
        heartbeatMs: 50,
      },
    });
    if (approve)
      engine.on('approval.requested', ({ run, step }) => void engine.approve(run.id, step.id, bob, run.rev));
    open.push({ engine, db });
    return engine;
  }

  const input = {
    scenario: 'existing-existing',
    legalEntities: ['DEMF'],
    companyCode: 'DEMF',
    initialSyncEntities: ['Vendors V2'],
    master: 'financeOps',
  };

  async function until(engine: SetupEngine, runId: string, done: (run: Run) => boolean): Promise<Run> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const run = (await engine.get(runId)) as Run;
      if (done(run)) return run;
      if (Date.now() > deadline) throw new Error(`run still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const finished = (run: Run) => ['succeeded', 'failed', 'cancelled'].includes(run.status);

  function rootOf(spans: ReadableSpan[], run: Run): ReadableSpan {
    const roots = spans.filter(
      (s) => s.name === 'run existing-existing' && s.attributes['run.id'] === run.id,
    );
    expect(roots).toHaveLength(1);
    expect(parentOf(roots[0])).toBeUndefined();
    expect(run.trace?.traceparent).toBe(
      `00-${roots[0].spanContext().traceId}-${roots[0].spanContext().spanId}-01`,
    );
    return roots[0];
  }

  it('is one trace: the run root, a span per step attempt, a child span per Dynamics call, and the end', async () => {
    const engine = replica('solo', true);
    await engine.resume();
    const setup = {
      ...input,
      financeOpsUrl: `${emu.url}/fo/contoso-fo`,
      dataverseUrl: `${emu.url}/orgs/contoso`,
    };
    const started = await engine.start(setup, alice, await reviewed(engine, setup));
    if (!started.ok) throw new Error(started.message);
    const run = await until(engine, started.run.id, finished);
    expect(run.status).toBe('succeeded');
    await engine.whenIdle();

    const spans = kit.spans();
    const root = rootOf(spans, run);
    const traceId = root.spanContext().traceId;
    const steps = spans.filter((s) => s.name.startsWith('execute '));
    // Every step of the plan executed at least once, each attempt a child of the root.
    expect(new Set(steps.map((s) => s.attributes['step.kind']))).toEqual(
      new Set(run.steps.map((s) => s.kind)),
    );
    for (const step of steps) {
      expect(step.spanContext().traceId).toBe(traceId);
      expect(parentOf(step)).toBe(root.spanContext().spanId);
      expect(step.attributes).toMatchObject({
        'run.scenario': 'existing-existing',
        'step.outcome': 'succeeded',
      });
    }
    const stepIds = new Set(steps.map((s) => s.spanContext().spanId));
    const calls = spans.filter((s) => s.kind === SpanKind.CLIENT && s.attributes['dynamics.service']);
    const underSteps = calls.filter((c) => stepIds.has(parentOf(c) ?? ''));
    expect(underSteps.length).toBeGreaterThan(steps.length);
    for (const call of underSteps) {
      expect(call.spanContext().traceId).toBe(traceId);
      expect(call.attributes).toMatchObject({
        'http.request.method': expect.stringMatching(/^(GET|POST|PATCH|PUT|DELETE)$/),
        'server.address': new URL(emu.url).host,
        'http.response.status_code': expect.any(Number),
        'http.request.resend_count': expect.any(Number),
      });
    }
    expect([...new Set(underSteps.map((c) => c.attributes['dynamics.service']))]).toEqual(
      expect.arrayContaining(['dataverse', 'financeOps', 'dualWrite', 'powerPlatform']),
    );
    const end = spans.find((s) => s.name === 'run succeeded');
    expect(end?.spanContext().traceId).toBe(traceId);
    expect(end?.attributes['run.outcome']).toBe('succeeded');
    // No token or row data: no attribute is a bearer token, a URL query or a request body.
    const values = spans.flatMap((s) => Object.values(s.attributes).map(String));
    expect(values.filter((v) => /bearer|\?|\$filter|lastname|emulator\.test/i.test(v))).toEqual([]);

    expect(await kit.points('dualwrite.runs.started')).toEqual([
      expect.objectContaining({ attributes: { 'run.scenario': 'existing-existing' }, value: 1 }),
    ]);
    expect(await kit.points('dualwrite.runs.finished')).toEqual([
      expect.objectContaining({
        attributes: { 'run.scenario': 'existing-existing', 'run.outcome': 'succeeded' },
        value: 1,
      }),
    ]);
    const durations = await kit.points('dualwrite.step.duration');
    expect(new Set(durations.map((p) => p.attributes['step.kind']))).toEqual(
      new Set(run.steps.map((s) => s.kind)),
    );
    const rates = await kit.points('dualwrite.bootstrap.rows_per_second');
    expect(rates).toHaveLength(1);
    expect((rates[0].value as { count: number }).count).toBe(1);
    expect(await kit.points('dualwrite.approvals.waiting')).toEqual([expect.objectContaining({ value: 0 })]);
  });

  it('continues the same trace when another replica takes the run over from one that died', async () => {
    // Replica A starts the run; nobody approves the bootstrap, so the run waits for it.
    const a = replica('replica-a', false);
    await a.resume();
    const setup = {
      ...input,
      financeOpsUrl: `${emu.url}/fo/contoso-fo`,
      dataverseUrl: `${emu.url}/orgs/contoso`,
    };
    const started = await a.start(setup, alice, await reviewed(a, setup));
    if (!started.ok) throw new Error(started.message);
    const waiting = await until(a, started.run.id, (run) =>
      run.steps.some((s) => s.status === 'awaiting_approval' && s.approval),
    );
    expect(await kit.points('dualwrite.approvals.waiting')).toEqual([expect.objectContaining({ value: 1 })]);
    await a.whenIdle();
    const closing = open.splice(0, 1)[0];
    await closing.engine.close();
    // A dies rather than stopping cleanly: its lease is left in place, expired, for B to take over.
    closing.db.prepare('UPDATE run_leases SET owner = ?, expires_at = 1').run('replica-a');
    closing.db.close();
    const beforeTakeover = new Set(kit.spans().map((s) => s.spanContext().spanId));

    const b = replica('replica-b', true);
    await b.resume();
    const step = waiting.steps.find((s) => s.status === 'awaiting_approval') as Run['steps'][number];
    const approved = await b.approve(waiting.id, step.id, bob, waiting.rev);
    expect(approved.ok).toBe(true);
    const run = await until(b, waiting.id, finished);
    expect(run.status).toBe('succeeded');
    await b.whenIdle();

    const spans = kit.spans();
    const root = rootOf(spans, run);
    const onB = spans.filter(
      (s) => s.name.startsWith('execute ') && !beforeTakeover.has(s.spanContext().spanId),
    );
    expect(onB.map((s) => s.attributes['step.kind'])).toContain('bootstrapCompanyData');
    for (const span of onB) {
      expect(span.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(parentOf(span)).toBe(root.spanContext().spanId);
    }
    expect(await kit.points('dualwrite.lease.takeovers')).toEqual([expect.objectContaining({ value: 1 })]);
  });
});
