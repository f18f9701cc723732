import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startBot, type RunningBot } from '../../src/index';
import { startPlayground, type RunningPlayground } from '../../src/playground/startPlayground';
import { PlaygroundClient } from '../../src/playground/playgroundClient';
import { writePlaygroundState } from '../../src/playground/playgroundState';
import { APPROVER, REQUESTER } from '../../src/playground/playgroundPeople';
import { Checklist, expectThat } from './support/checklist';
import { ConversationRecorder, executeActionsOf } from './support/conversationRecorder';
import {
  openBrowser,
  openGeneralChannel,
  postMention,
  screenshotCard,
  waitForCard,
  type BrowserSession,
} from './support/playgroundPage';

/**
 * The browser end-to-end test (`npm run test:e2e`): the bot with its embedded emulator, the Agents
 * Playground, and Debian's Chromium. Alex (the signed-in requester) @mentions the bot in General and
 * runs `new-existing` through the cards, with the details card's default for a new F&O (a unified
 * environment: F&O installed into the existing Dataverse); as soon as the approval card shows (it is
 * asked at Start), `npm run approve` decides it as Priya (the configured approver, a different
 * person), as the README says; the page shows the approval and the run card change in place and the
 * completion notice. A picture of each card goes to artifacts/.
 */
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'artifacts');
const BOT_NAME = 'Dual-write Setup';
const FO_NAME = 'contoso-fo-e2e';
const COMPANY = 'CNTS';
const SCENARIO_TIMEOUT_MS = 180_000;

interface EmulatorState {
  dataverse: Array<{ name: string; org?: string; url: string }>;
  financeOps: Array<{ name: string; state: string; legalEntities: string[] }>;
  connections: Array<{ financeOps: string; dataverse: string; legalEntities: string[] }>;
}

async function main(): Promise<number> {
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dwbot-e2e-'));
  const logLevel = process.env.E2E_LOG_LEVEL ?? 'warn';
  const logger = createLogger(logLevel);
  let bot: RunningBot | undefined;
  let playground: RunningPlayground | undefined;
  let browser: BrowserSession | undefined;
  const recorder = new ConversationRecorder();
  const list = new Checklist(async (name) => {
    if (browser) {
      const file = path.join(ARTIFACTS, `failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await browser.page.screenshot({ path: file, fullPage: true });
      process.stdout.write(`    page at the failure: ${file}\n`);
    }
  });
  process.stdout.write('Browser end to end: new-existing in the Agents Playground\n');

  let page!: Page;
  let playgroundClient!: PlaygroundClient;
  let dataverseUrl = '';
  let runCard!: Locator;
  let shortRunId = '';

  try {
    await list.check('the bot, the emulator and the Playground start on loopback', async () => {
      const config = loadConfig({
        PORT: '0',
        EMULATOR_PORT: '0',
        DATA_DIR: dataDir,
        EMULATOR_TIME_SCALE: '0.002',
        LOG_LEVEL: logLevel,
        BOT_NAME,
        ADMINS: REQUESTER.aadObjectId,
        APPROVERS: APPROVER.aadObjectId,
        FOUR_EYES: 'true',
        PLAYGROUND: 'false',
      });
      bot = await startBot(config, {
        logger,
        queue: { updateIntervalMs: 150, baseDelayMs: 20 },
        engine: { pollIntervalMs: 25 },
      });
      playground = await startPlayground({
        botEndpoint: `${bot.url}/api/messages`,
        port: 0,
        botName: BOT_NAME,
        workDir: path.join(dataDir, 'playground'),
        logger,
      });
      playgroundClient = new PlaygroundClient(playground.url);
      // What `npm start` writes so `npm run approve` finds its Playground (registry kept private).
      writePlaygroundState(
        dataDir,
        { url: playground.url, botUrl: bot.url, pid: process.pid },
        path.join(dataDir, 'registry'),
      );
      expectThat(await playgroundClient.ping(), 'the Playground does not answer /_debug/ping');
      for (const url of [bot.url, bot.emulatorUrl, playground.url]) {
        expectThat(url?.startsWith('http://127.0.0.1:'), `${url} is not on loopback`);
      }
      const state = (await (await fetch(`${bot.emulatorUrl}/_emulator/state`)).json()) as EmulatorState;
      const contoso = state.dataverse.find((dv) => dv.org === 'contoso' || dv.name === 'contoso');
      expectThat(contoso, 'the emulator has no existing Dataverse org "contoso"');
      dataverseUrl = contoso.url;
      browser = await openBrowser();
      page = browser.page;
      recorder.attach(page);
    });

    await list.check('Alex @mentions the bot in General and gets the scenario card', async () => {
      await openGeneralChannel(page, playground!.url);
      await postMention(page, BOT_NAME, 'setup');
      const scenario = await waitForCard(page, 'Which setup is yours?');
      await screenshotCard(scenario, ARTIFACTS, '01-scenario');
      // The page shows five "Choose" buttons; pick the one whose action data names new-existing.
      const recorded = recorder.latestCard('Which setup is yours?');
      expectThat(recorded, 'the scenario card never came over the page socket');
      // (each scenario's container also has a selectAction with the same verb, but no title)
      const chooses = executeActionsOf(recorded.card).filter(
        (a) => a.verb === 'setup.scenario' && a.title === 'Choose',
      );
      expectThat(chooses.length === 5, `expected 5 scenarios, the card offers ${chooses.length}`);
      const index = chooses.findIndex((a) => a.data.scenario === 'new-existing');
      expectThat(index >= 0, 'the scenario card has no new-existing choice');
      await scenario.getByRole('button', { name: 'Choose', exact: true }).nth(index).click();
    });

    await list.check('the details card asks for the environments and the company', async () => {
      const details = await waitForCard(page, 'URL of your existing Dataverse environment');
      // A new F&O defaults to a unified environment; Lifecycle Services is the other choice.
      const unified = details.getByRole('radio', {
        name: 'Power Platform admin center (unified environment)',
      });
      expectThat(await unified.isChecked(), 'the details card does not preselect the unified environment');
      expectThat(
        !(await details.getByRole('radio', { name: /^Lifecycle Services/ }).isChecked()),
        'the details card preselects Lifecycle Services',
      );
      await details.getByLabel('Name for the new Finance and Operations environment').fill(FO_NAME);
      await details.getByLabel('URL of your existing Dataverse environment').fill(dataverseUrl);
      await details.getByLabel(/^Company code/).fill(COMPANY);
      await details.getByLabel('Company name').fill('Contoso Ltd');
      // The tables by their display names (the same on the plan and the approval card).
      for (const table of ['Accounts', 'Contacts']) {
        const box = details.getByRole('checkbox', { name: table });
        if (!(await box.isChecked())) await box.check();
      }
      await screenshotCard(details, ARTIFACTS, '02-details');
      await details.getByRole('button', { name: 'Review the plan' }).click();
    });

    await list.check('the confirmation card shows the plan before anything changes', async () => {
      const confirm = await waitForCard(page, /Review the plan: /, 20_000);
      const text = await confirm.innerText();
      expectThat(text.includes(FO_NAME), 'the plan does not name the new F&O environment');
      expectThat(text.includes(COMPANY), `the plan does not name company ${COMPANY}`);
      expectThat(/bootstrap/i.test(text), 'the plan has no bootstrap step');
      expectThat(
        text.includes('Install Finance and Operations into the existing Dataverse environment'),
        'the plan does not install F&O into the existing Dataverse (unified environment)',
      );
      await screenshotCard(confirm, ARTIFACTS, '03-confirmation');
      await confirm.getByRole('button', { name: 'Start', exact: true }).click();
    });

    await list.check('Start turns the confirmation into the run card, which moves on by itself', async () => {
      runCard = await waitForCard(page, /Run [0-9a-f]{8} · requested by Alex Admin/, 15_000);
      const header = (await runCard.innerText()).match(/Run ([0-9a-f]{8})/);
      expectThat(header, 'the run card shows no run id');
      shortRunId = header[1];
    });

    await list.check(
      'the approval card: Alex, the requester, sees who may decide and no buttons',
      async () => {
        const approval = await waitForCard(page, `Approval needed`, SCENARIO_TIMEOUT_MS);
        const text = await approval.innerText();
        expectThat(text.includes(COMPANY), 'the approval card does not name the company');
        expectThat(text.includes('Alex Admin'), 'the approval card does not say who requested');
        expectThat(
          text.includes('Waiting for an approver (Priya Approver)'),
          `the approval card does not say who may decide: ${text}`,
        );
        expectThat(
          (await approval.getByRole('button', { name: 'Approve' }).count()) === 0,
          "the requester's approval card offers Approve",
        );
        expectThat(text.includes('This cannot be undone'), 'the irreversible warning is missing');
        await screenshotCard(approval, ARTIFACTS, '04-approval');
      },
    );

    await list.check(
      'right away, `npm run approve` decides it as Priya; the card changes in place for Alex',
      async () => {
        const recorded = recorder.latestCard('Approval needed');
        expectThat(recorded, 'the approval card never came over the page socket');
        // Teams shows Priya her own copy with the buttons through the card's refresh.
        const refresh = (recorded.card as { refresh?: { action: { verb: string }; userIds?: string[] } })
          .refresh;
        expectThat(
          refresh?.action.verb === 'run.view',
          'the approval card has no refresh for personal views',
        );
        expectThat(
          (refresh.userIds ?? []).includes(APPROVER.id),
          `the refresh does not list Priya: ${JSON.stringify(refresh.userIds)}`,
        );
        expectThat(APPROVER.id !== REQUESTER.id, 'the approver must be another person');
        // As the README says, in a second terminal, as soon as the card asks (the other steps still run).
        const approve = await npmRunApprove(dataDir);
        expectThat(
          approve.code === 0,
          `npm run approve exited ${approve.code}: ${approve.stdout} ${approve.stderr}`,
        );
        expectThat(
          new RegExp(`approves "Bootstrap[^"]*" \\(step [^)]+\\) of run ${shortRunId}`).test(approve.stdout),
          `npm run approve did not say which run and step: ${approve.stdout}`,
        );
        expectThat(
          approve.stdout.includes('Approved by Priya Approver'),
          `npm run approve did not decide: ${approve.stdout}`,
        );
        process.stdout.write(`    ${approve.stdout.trim().split('\n').join('\n    ')}\n`);
        // Alex's page: the proactive update replaces the shared card for everyone.
        const decided = await waitForCard(page, 'Approved by Priya Approver', 20_000);
        expectThat(
          (await decided.getByRole('button', { name: 'Approve' }).count()) === 0,
          'the decided approval card still offers Approve',
        );
        await screenshotCard(decided, ARTIFACTS, '06-approval-approved');
        // Updated in place: the run card goes on to show steps done.
        await runCard.getByText('✅').first().waitFor({ timeout: 60_000 });
        const run = cardLocatorByRunId(page, shortRunId);
        const runText = await run.innerText();
        expectThat(!/\byou\b/i.test(runText), 'the shared run card says "you"');
        await screenshotCard(run, ARTIFACTS, '05-run-approved-early');
      },
    );

    await list.check(
      'one completion card @mentions Alex with the figures; the run card shows Completed',
      async () => {
        const completion = await waitForCard(page, /dual-write setup completed/i, SCENARIO_TIMEOUT_MS);
        const text = await completion.innerText();
        expectThat(text.includes(shortRunId), 'the completion card does not name the run');
        const stamped = text.match(/Rows stamped\s*([\d,]+)/);
        expectThat(stamped && Number(stamped[1].replace(/,/g, '')) > 0, `no rows stamped in: ${text}`);
        expectThat(!text.includes('Rows synced'), `figures that do not apply are shown: ${text}`);
        await screenshotCard(completion, ARTIFACTS, '08-completion');
        const run = cardLocatorByRunId(page, shortRunId);
        await run.getByText('Completed', { exact: true }).waitFor({ timeout: 15_000 });
        expectThat(
          !(await run.innerText()).includes('🔐'),
          'the run card still shows a step awaiting approval',
        );
        await screenshotCard(run, ARTIFACTS, '07-run-completed');
        // The whole page, for the README: the channel thread ending with the completion card.
        await completion.scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(ARTIFACTS, '09-playground-page.png') });
        const recorded = recorder.latestCard('dual-write setup completed');
        expectThat(recorded, 'the completion card never came over the page socket');
        const entities = JSON.stringify((recorded.card as { msteams?: unknown }).msteams ?? {});
        expectThat(
          entities.includes(REQUESTER.aadObjectId) && entities.includes(`<at>${REQUESTER.name}</at>`),
          `the completion card mentions ${entities}, not Alex`,
        );
        expectThat(
          !recorder.latestText(`<at>${REQUESTER.name}</at>`),
          'the completion is announced a second time as a text message',
        );
      },
    );

    await list.check('the emulator agrees: F&O in contoso, CNTS in the connection with contoso', async () => {
      const state = (await (await fetch(`${bot!.emulatorUrl}/_emulator/state`)).json()) as EmulatorState;
      // A unified environment: no LCS deployment; F&O was installed into the existing Dataverse.
      expectThat(
        !state.financeOps.some((env) => env.name === FO_NAME),
        `F&O ${FO_NAME} was deployed in Lifecycle Services`,
      );
      const connection = state.connections.find((c) => c.dataverse === 'contoso');
      expectThat(connection, 'no dual-write connection with contoso');
      expectThat(
        connection.legalEntities.map((e) => e.toUpperCase()).includes(COMPANY),
        `the connection holds ${connection.legalEntities.join(', ')}, not ${COMPANY}`,
      );
    });
  } finally {
    await browser?.close().catch(() => undefined);
    await playground?.close().catch(() => undefined);
    await bot?.close().catch(() => undefined);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`${list.summary()} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  return list.ok ? 0 : 1;
}

/** `npm run approve` as the README says, in the folder, for the bot's DATA_DIR. */
function npmRunApprove(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'approve'], {
      cwd: path.resolve(__dirname, '..', '..'),
      env: { ...process.env, DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The run card of a run, wherever it is in the page. */
function cardLocatorByRunId(page: Page, shortRunId: string): Locator {
  return page.locator('.ac-adaptiveCard', { hasText: `Run ${shortRunId} · requested by` }).last();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n0 passed, 1 failed\n`);
    process.exit(1);
  },
);
