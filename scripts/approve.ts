import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/store/database';
import { SqliteConversationStore } from '../src/store/sqliteConversationStore';
import { SqliteRunStore } from '../src/store/sqliteRunStore';
import { PlaygroundClient, cardOfInvokeResponse } from '../src/playground/playgroundClient';
import { APPROVER } from '../src/playground/playgroundPeople';
import { locatePlayground } from '../src/playground/playgroundState';
import { decisionClick, findPendingApproval } from '../src/playground/pendingApproval';
import { unmetNeeds } from '../src/engine/runStateMachine';

/**
 * `npm run approve -- [run] [--reject "reason"]`: decide an approval the bot has asked for, in the
 * Agents Playground, as the second person, Priya Approver (the page always acts as Alex, who
 * requested the setup, and four eyes forbid Alex to approve). Approvals are asked at Start, so this
 * works as soon as the approval card is shown, while the other steps still run. Finds the approval
 * card the bot posted, then clicks its Approve (or Reject) through the Playground as Priya: the same
 * click, verb and engine command as the button, so the page shows the card change as in Teams.
 */
const USAGE = 'usage: npm run approve -- [run id or its first 8 characters] [--reject "reason"]';

async function main(argv: string[]): Promise<number> {
  const rejectAt = argv.indexOf('--reject');
  const reason = rejectAt >= 0 ? (argv[rejectAt + 1] ?? '') : '';
  const positional = argv.filter((arg, i) => !arg.startsWith('--') && (rejectAt < 0 || i !== rejectAt + 1));
  if (argv.includes('--help') || positional.length > 1) {
    process.stdout.write(`${USAGE}\n`);
    return argv.includes('--help') ? 0 : 2;
  }
  if (rejectAt >= 0 && !reason.trim()) {
    process.stderr.write(`A rejection needs a reason.\n${USAGE}\n`);
    return 2;
  }

  const config = loadConfig();
  const location = await locatePlayground(config.DATA_DIR, (url) => new PlaygroundClient(url).ping());
  if (!location.found) {
    process.stderr.write(`${location.message}\n`);
    return 1;
  }
  if (location.note) process.stdout.write(`${location.note}\n`);
  const client = new PlaygroundClient(location.state.url);
  const dbFile = path.join(location.dataDir, 'bot.sqlite');
  if (!fs.existsSync(dbFile)) {
    process.stderr.write(`No bot data in ${path.resolve(location.dataDir)} yet: start a setup first.\n`);
    return 1;
  }
  const db = openDatabase(dbFile);
  try {
    const lookup = await findPendingApproval(
      new SqliteRunStore(db),
      new SqliteConversationStore(db),
      positional[0],
    );
    if (!lookup.found) {
      process.stderr.write(`${lookup.reason}\n`);
      return 1;
    }
    const pending = lookup.found;
    const decision = rejectAt >= 0 ? 'reject' : 'approve';
    const what = `"${pending.step.title}" (step ${pending.step.id}) of run ${pending.run.id.slice(0, 8)}`;
    process.stdout.write(
      `${APPROVER.name} ${decision === 'approve' ? 'approves' : 'rejects'} ${what}, requested by ${pending.run.requestedBy.name}...\n`,
    );
    // The same click as the card's Approve (or Reject) button: the bot's verb, the same engine command.
    const response = await client.clickAsUser(decisionClick(pending, APPROVER.id, decision, reason));
    const card = JSON.stringify(cardOfInvokeResponse(response) ?? response);
    const decided = card.match(/(Approved|Rejected) by [^"]+/);
    if (decided) {
      // Asked at Start, an approval is often decided before the steps its step needs are done.
      const before = unmetNeeds(pending.run, pending.step).length;
      const then =
        decision === 'approve' && before > 0
          ? ` The step runs once the ${before === 1 ? 'step' : `${before} steps`} it needs ${before === 1 ? 'is' : 'are'} done.`
          : '';
      process.stdout.write(`${decided[0]}: ${what}.${then} The page shows the card updated.\n`);
      return 0;
    }
    // Refused (not an approver, four eyes, stale): the card's notice says why.
    const notice = card.match(/"text":"([^"]*(approver|Four eyes|out of date|Nothing)[^"]*)"/i);
    process.stderr.write(`Not decided: ${notice ? notice[1] : card.slice(0, 300)}\n`);
    return 1;
  } finally {
    db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).message}\n`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  },
);
