import { startEmbeddedPostgres } from '../test/support/postgres/embeddedPostgres';
import { runSoak } from '../test/hardening/support/soakRig';

/**
 * `npm run soak -- [--runs 20] [--restarts 5] [--replicas 1] [--json]`: N setups at once against the emulator with
 * injected faults while the bot process is SIGKILLed and restarted at random (test/hardening/support/
 * soakRig.ts). Prints one JSON line: runs, succeeded, effects_duplicated, effects_lost,
 * notices_missing, restarts, peak_rss_mb (and the injected fault counts). Exit code 1 when a run did not
 * succeed or an effect was lost or repeated.
 */
function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  // --replicas N: N bot processes on one PostgreSQL (TEST_DATABASE_URL or an embedded server); each
  // disruption alternates between SIGKILL of one replica and SIGSTOP/SIGCONT of another.
  const replicas = arg('replicas', 1);
  const postgres = replicas > 1 && !process.env.TEST_DATABASE_URL ? await startEmbeddedPostgres() : undefined;
  const databaseUrl = replicas > 1 ? (process.env.TEST_DATABASE_URL ?? postgres?.url) : undefined;
  const report = await runSoak({
    replicas,
    databaseUrl,
    runs: arg('runs', 20),
    restarts: arg('restarts', 5),
    killEveryMs: [arg('min-up', 8_000), arg('max-up', 25_000)],
    deadlineMs: arg('deadline', 420_000),
    accountsPerOrg: 40,
    contactsPerOrg: 20,
    log: json ? undefined : (line) => process.stderr.write(`${line}\n`),
  }).finally(() => postgres?.stop());
  const { failures, ...figures } = report;
  if (json) {
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    if (failures.length) process.stderr.write(`${failures.join('\n')}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(figures, null, 2)}\n${failures.join('\n')}\n`);
  }
  const ok =
    report.succeeded === report.runs &&
    report.effects_duplicated === 0 &&
    report.effects_lost === 0 &&
    report.notices_missing === 0 &&
    report.notices_duplicated === 0 &&
    report.teams_limit_breaches === 0;
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(2);
});
