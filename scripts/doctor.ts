import { ConfigError, loadConfig } from '../src/config';
import { doctorJson, doctorTable, parseDoctorArgs, runDoctor } from '../src/doctor/runDoctor';

// `npm run doctor -- [--json] [--as-me] [--fo <name|url>] [--dv <name|url>] [--linker <upn>]`: read-only
// check of an environment pair (the emulator's seeded pair by default); `--as-me` also signs a person in
// with a device code and asks for a delegated token per resource. Exit code 0 when nothing blocks, 1 otherwise.

async function main(argv: string[]): Promise<number> {
  const args = parseDoctorArgs(argv);
  const result = await runDoctor(
    loadConfig(),
    { financeOps: args.financeOps, dataverse: args.dataverse, linkingUser: args.linkingUser },
    // The sign-in instructions go to stderr, so `--json` keeps one line of JSON on stdout.
    { asMe: args.asMe, prompt: (message) => process.stderr.write(`${message}\n`) },
  );
  process.stdout.write(`${args.json ? doctorJson(result) : doctorTable(result)}\n`);
  return result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(2);
  },
);
