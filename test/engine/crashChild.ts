/**
 * The engine in a child process, for the crash test: opens the run store file, resumes unfinished
 * runs, starts the run of the variant named (crashVariants.ts) after its Review unless the store
 * already has it (a restart finds its run),
 * approves as a second person, and prints one line per committed change so the parent can kill it
 * with SIGKILL at a chosen point. Usage: tsx crashChild.ts <emulatorUrl> <runStoreFile> <variant>
 */
import fs from 'node:fs';
import { createSetupEngine } from '../../src/engine/setupEngine';
import { systemClock } from '../../src/engine/systemClock';
import { createPlatform } from '../../src/platform/createPlatform';
import { openDatabase } from '../../src/store/database';
import { SqliteRunStore } from '../../src/store/sqliteRunStore';
import type { Run } from '../../src/engine/model';
import { CRASH_VARIANTS, type CrashVariant } from './crashVariants';

const [emulatorUrl, file, variant] = process.argv.slice(2) as [string, string, CrashVariant];
const approver = { id: 'bob', name: 'Bob' };
/** Synchronous: a pipe write may otherwise still sit in a buffer when SIGKILL lands. */
const say = (line: string) => fs.writeSync(1, line);

async function main(): Promise<void> {
  const store = new SqliteRunStore(openDatabase(file));
  const engine = createSetupEngine({
    platform: createPlatform({
      mode: 'emulator',
      emulatorUrl,
      retry: { maxAttempts: 6, baseDelayMs: 20, maxDelayMs: 200 },
    }),
    store,
    clock: systemClock,
    approvalTimeoutMs: 3600_000,
    approvalReminderMs: 600_000,
    fourEyes: true,
    pollIntervalMs: 15,
    retry: { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 200 },
  });
  const report = (run: Run) => {
    const index = run.steps.findIndex((s) => s.status !== 'succeeded' && s.status !== 'skipped');
    const step = run.steps[index];
    // Steps run side by side: one line per step at work (running, or waiting for a person).
    const active = run.steps.filter((s) =>
      ['running', 'awaiting_approval', 'awaiting_manual'].includes(s.status),
    );
    for (const s of active.length ? active : step ? [step] : []) {
      say(`EVENT ${run.status} ${run.steps.indexOf(s)} ${s.kind} ${s.status}\n`);
    }
    if (!step) say(`EVENT ${run.status} ${run.steps.length} done \n`);
    if (run.status === 'succeeded') say(`DONE ${run.id}\n`);
    if (run.status === 'failed') say(`FAILED ${JSON.stringify(step?.error)}\n`);
  };
  engine.on('run.updated', ({ run }) => report(run));
  engine.on('approval.requested', ({ run, step }) => void engine.approve(run.id, step.id, approver, run.rev));
  await engine.resume();
  // A crash after the approval was requested but before it was answered: answer it now.
  for (const run of await store.listUnfinished()) {
    for (const step of run.steps) {
      if (step.status === 'awaiting_approval' && !step.approval?.decision)
        await engine.approve(run.id, step.id, approver, run.rev);
    }
  }
  const input = CRASH_VARIANTS[variant](emulatorUrl);
  const [existing] = await store.list({ limit: 1 });
  const started = existing
    ? { ok: true as const, run: existing }
    : await engine.start(
        input,
        { id: 'alice', name: 'Alice' },
        (await engine.preview(input)).reviewToken ?? '',
      );
  if (!started.ok) {
    say(`REFUSED ${started.code} ${started.message}\n`);
    process.exit(2);
  }
  report(started.run);
  if (started.run.status === 'failed') await engine.retry(started.run.id, approver);
}

main().catch((error) => {
  say(`CRASH ${String(error)}\n`);
  process.exit(1);
});
