import { startHarness, findCard, type Harness } from '../support/botHarness';
import { reachContosoConfirmation, startRunAtApproval } from '../support/scenarioDriver';
import { newConversation, responseCard, user } from '../support/teamsClient';

/**
 * What people type is shown as typed: a company name, a reject reason or an unknown command written
 * as a markdown link stays text on the bot's cards (before, each became a link on everyone's card).
 */
const LINK = '[Approve here](https://evil.example)';
const requester = user('Alex Admin');
const approver = user('Priya Approver');

/** Every string a card renders as markdown: TextBlock texts, TextRun texts and FactSet facts. */
function shownTexts(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => shownTexts(item, found));
  else if (node && typeof node === 'object') {
    const element = node as Record<string, unknown>;
    if ((element.type === 'TextBlock' || element.type === 'TextRun') && typeof element.text === 'string')
      found.push(element.text);
    if (element.type === 'FactSet' && Array.isArray(element.facts))
      for (const fact of element.facts as Array<{ title: string; value: string }>)
        found.push(fact.title, fact.value);
    for (const [key, value] of Object.entries(element)) if (key !== 'data') shownTexts(value, found);
  }
  return found;
}

/** The card shows the link's text escaped, and nowhere as a live link. */
function expectEscaped(card: Record<string, unknown>): void {
  const texts = shownTexts(card);
  expect(texts.some((text) => text.includes('\\[Approve here\\](https://evil.example)'))).toBe(true);
  expect(texts.filter((text) => /(^|[^\\])\[Approve here\]\(/.test(text))).toEqual([]);
}

describe('markdown typed by people stays text on the cards', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      APPROVERS: approver.aadObjectId,
      ADMINS: `${requester.aadObjectId},${approver.aadObjectId}`,
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('the unknown-command echo', async () => {
    const conversation = newConversation();
    expect(await h.client.say(requester, conversation, LINK)).toBe(200);
    const help = await h.connector.waitFor(
      (m) => findCard(m, conversation.id, 'I did not understand'),
      10_000,
      'the help card',
    );
    expectEscaped(help.card);
  });

  it('a company name on the plan', async () => {
    const { confirm } = await reachContosoConfirmation(h, requester, {
      financeOpsName: 'md-fo',
      companyCode: 'MDCO',
      companyName: LINK,
    });
    expectEscaped(confirm);
  });

  it('a reject reason on the approval card', async () => {
    const { conversation, approval } = await startRunAtApproval(h, requester, {
      financeOpsName: 'md-fo2',
      companyCode: 'MDRJ',
    });
    const answer = responseCard(
      await h.client.click(approver, conversation, approval.card, approval.id, 'run.reject', {
        inputs: { reason: LINK },
      }),
    );
    expectEscaped(answer);
  });
});
