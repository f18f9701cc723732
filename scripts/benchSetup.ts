// Time to live sync: `npm run bench:setup -- [--json] [--time-scale 0.0005] [--approver-delay-s 900]`.
//
// For each of the five scenarios, runs a setup against the embedded emulator at its modelled
// durations (F&O deployment 3,600 s, Dataverse creation 600 s, package install 300 s, initial sync
// 60 s per map; multiplied by --time-scale so a run takes seconds), with a second person approving
// each approval --approver-delay-s modelled seconds after it is asked. It measures:
// - wall_s: Start to the run's end, in modelled seconds (measured / time scale);
// - critical_path_s: the longest chain of needs through the run's graph, from the same run's step
//   durations (each step from its start to its end; an approval from its request to its decision);
// - critical_path_ratio = critical_path_s / wall_s (1 = nothing waited that did not have to);
// - sequential_s: the same scenario run the way it ran before plans were graphs (one step at a
//   time, the approval asked when its step is reached), measured the same way.
// Prints one JSON line with --json: {"scenarios": {"new-new": {...}, ...}, "time_scale", ...}.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmulator } from '../src/emulator/index';
import { criticalPathMs } from '../src/engine/criticalPath';
import { FINISHED_RUN_STATUSES, type Run } from '../src/engine/model';
import { createSetupEngine } from '../src/engine/setupEngine';
import { systemClock } from '../src/engine/systemClock';
import { createPlatform } from '../src/platform/createPlatform';
import { openDatabase } from '../src/store/database';
import { SqliteRunStore } from '../src/store/sqliteRunStore';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
}

const timeScale = arg('time-scale', 0.0005);
const approverDelayS = arg('approver-delay-s', 900);
const json = process.argv.includes('--json');
const requester = { id: 'alex', name: 'Alex Admin' };
const approver = { id: 'priya', name: 'Priya Approver' };

type Inputs = (emulatorUrl: string, tag: string) => Record<string, unknown>;

/** The five scenarios, on the emulator's demo environments (fresh names per run). */
const SCENARIOS: Record<string, Inputs> = {
  'new-new': (_url, tag) => ({
    scenario: 'new-new',
    financeOpsName: `nn-fo-${tag}`,
    dataverseName: `nn-dv-${tag}`,
  }),
  'new-existing': (url, tag) => ({
    scenario: 'new-existing',
    financeOpsName: `ne-fo-${tag}`,
    dataverseUrl: `${url}/orgs/contoso`,
    companyCode: `N${tag}`.slice(0, 4),
    companyName: 'Contoso Sales',
    initialSyncEntities: ['Customers V3'],
  }),
  'new-demo-new': (_url, tag) => ({
    scenario: 'new-demo-new',
    financeOpsName: `dn-fo-${tag}`,
    dataverseName: `dn-dv-${tag}`,
    demoLegalEntities: ['USMF', 'DEMF'],
    initialSyncEntities: ['Customers V3'],
  }),
  'new-demo-existing': (url, tag) => ({
    scenario: 'new-demo-existing',
    financeOpsName: `de-fo-${tag}`,
    dataverseUrl: `${url}/orgs/contoso`,
    demoLegalEntities: ['USMF'],
    companyCode: `D${tag}`.slice(0, 4),
    companyName: 'Contoso Two',
    initialSyncEntities: ['Customers V3'],
  }),
  'existing-existing': (url) => ({
    scenario: 'existing-existing',
    financeOpsUrl: `${url}/fo/contoso-fo`,
    dataverseUrl: `${url}/orgs/contoso`,
    legalEntities: ['DEMF'],
    companyCode: 'DEMF',
    initialSyncEntities: ['Vendors V2'],
    master: 'financeOps',
  }),
};

interface Measured {
  wallMs: number;
  criticalPathMs: number;
  status: string;
}

async function runOnce(scenario: string, sequential: boolean, tag: string): Promise<Measured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-setup-'));
  const emulator = await startEmulator({ port: 0, dataFile: path.join(dir, 'emulator.sqlite'), timeScale });
  const db = openDatabase(path.join(dir, 'runs.sqlite'));
  const platform = createPlatform({
    mode: 'emulator',
    emulatorUrl: emulator.url,
    retry: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 },
  });
  const engine = createSetupEngine({
    platform,
    store: new SqliteRunStore(db),
    clock: systemClock,
    approvalTimeoutMs: 7 * 24 * 3600_000,
    approvalReminderMs: 0,
    fourEyes: true,
    // A poll every modelled 10 s, the services' own hints permitting.
    pollIntervalMs: Math.max(5, 10_000 * timeScale),
    retry: { maxAttempts: 6, baseDelayMs: 50, maxDelayMs: 500 },
    ...(sequential ? { parallelSteps: 1, approvalsAtStart: false } : {}),
  });
  const decisions = new Map<string, number>();
  engine.on('approval.requested', ({ run, step }) => {
    setTimeout(
      () => {
        void engine
          .approve(run.id, step.id, approver, run.rev)
          .then(() => decisions.set(step.id, Date.now()));
      },
      approverDelayS * 1000 * timeScale,
    );
  });
  try {
    const input = SCENARIOS[scenario](emulator.url, tag);
    // Start follows a Review of the same input, as on the plan card.
    const started = await engine.start(input, requester, (await engine.preview(input)).reviewToken ?? '');
    if (!started.ok) throw new Error(`${scenario}: ${started.message}`);
    let run: Run = started.run;
    const deadline = Date.now() + 10 * 60_000;
    while (!FINISHED_RUN_STATUSES.has(run.status) || run.steps.some((s) => s.status === 'running')) {
      if (Date.now() > deadline) throw new Error(`${scenario}: still ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      run = (await engine.get(run.id)) as Run;
    }
    if (run.status !== 'succeeded') {
      const failed = run.steps.find((s) => s.status === 'failed');
      throw new Error(`${scenario}: ${run.status} at ${failed?.id}: ${failed?.error?.message}`);
    }
    const t0 = Date.parse(run.createdAt);
    const steps = run.steps.flatMap((step) => {
      const start = Date.parse(step.startedAt ?? run.createdAt);
      const end = Date.parse(step.finishedAt ?? run.updatedAt);
      const approval = step.approval;
      if (!approval) return [{ id: step.id, needs: step.needs ?? [], durationMs: end - start }];
      // The approval is its own node: from its request to its decision; the step needs it.
      const asked = Date.parse(approval.requestedAt);
      const decided = Date.parse(approval.decision?.at ?? approval.requestedAt);
      const node = `${step.id}:approval`;
      return [
        { id: node, needs: sequential ? (step.needs ?? []) : [], durationMs: Math.max(0, decided - asked) },
        { id: step.id, needs: [...(step.needs ?? []), node], durationMs: end - start },
      ];
    });
    if (process.argv.includes('--steps')) {
      for (const step of run.steps) {
        const at = (iso?: string) => (iso ? Math.round((Date.parse(iso) - t0) / timeScale / 1000) : '-');
        console.error(
          `${scenario}${sequential ? ' (sequential)' : ''} ${step.id}: ${at(step.startedAt)} -> ${at(step.finishedAt)}` +
            (step.approval
              ? ` approval ${at(step.approval.requestedAt)} -> ${at(step.approval.decision?.at)}`
              : '') +
            ` attempts ${step.attempts}`,
        );
      }
    }
    return {
      wallMs: Date.parse(run.finishedAt ?? run.updatedAt) - Date.parse(run.createdAt),
      criticalPathMs: criticalPathMs(steps),
      status: run.status,
    };
  } finally {
    await engine.close();
    db.close();
    await emulator.close();
  }
}

async function main(): Promise<void> {
  const scenarios: Record<string, Record<string, number>> = {};
  let n = 0;
  const only = process.argv.indexOf('--scenario');
  const names = only === -1 ? Object.keys(SCENARIOS) : [process.argv[only + 1]];
  for (const scenario of names) {
    const graph = await runOnce(scenario, false, `g${n++}`);
    const sequential = await runOnce(scenario, true, `s${n++}`);
    const s = (ms: number) => Math.round(ms / timeScale / 1000);
    scenarios[scenario] = {
      wall_s: s(graph.wallMs),
      critical_path_s: s(graph.criticalPathMs),
      critical_path_ratio: Math.round((graph.criticalPathMs / graph.wallMs) * 1000) / 1000,
      sequential_s: s(sequential.wallMs),
    };
    if (!json) console.log(scenario, scenarios[scenario]);
  }
  const report = {
    scenarios,
    time_scale: timeScale,
    approver_delay_s: approverDelayS,
    modelled_durations_s: {
      deploy_finance_ops: 3600,
      create_dataverse: 600,
      install_package: 300,
      initial_sync_per_map: 60,
    },
  };
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
