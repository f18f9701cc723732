import { getJson } from '../../support/botHarness';

/**
 * The admin in F&O's Dual-write screens, for the manual steps: the emulator's gateway stands in for
 * them, in the shapes of Microsoft's Dual-write-automations tool (docs/dynamics-apis.md); the link
 * itself goes through the emulator's stand-in for F&O's link wizard (no public endpoint).
 */
export const ADMIN_TOKEN = { Authorization: 'Bearer emulator.admin-in-fo-screens' };

interface GatewayMap {
  detail: {
    tName: string;
    pid: string | null;
    state: string;
    template: { id: string };
    lastRequest: { errorMessage: string | null } | null;
  };
}

export interface FoDualWriteScreens {
  /** The link wizard: links the pair for these companies and applies the dual-write solutions. */
  linkAndApplySolutions(financeOpsUrl: string, dataverseUrl: string, legalEntities: string[]): Promise<void>;
  /** Runs one map (with initial sync or not) and waits until it shows Running. */
  runMap(name: string, initialSync: boolean): Promise<void>;
  /** The gateway's connection id of the linked F&O environment. */
  connectionId(): Promise<string>;
}

export function foDualWriteScreens(emulatorUrl: string): FoDualWriteScreens {
  const gatewayRoot = `${emulatorUrl}/dualwrite`;
  const gateway = `${gatewayRoot}/api/DualWriteManagement/1.0`;
  let linkedFinanceOpsUrl = '';

  async function connectionId(): Promise<string> {
    const identifier = linkedFinanceOpsUrl.replace(/^https?:\/\//, '');
    const rows = await getJson<Array<{ cid: string }>>(
      `${gateway}/Environments?targetType=AX&identifier=${encodeURIComponent(identifier)}`,
      ADMIN_TOKEN,
    );
    expect(rows).toHaveLength(1);
    return rows[0].cid;
  }

  const maps = (cid: string) =>
    getJson<GatewayMap[]>(`${gateway}/Entities?targetType=AX&cid=${cid}`, ADMIN_TOKEN);

  return {
    connectionId,

    async linkAndApplySolutions(financeOpsUrl, dataverseUrl, legalEntities) {
      linkedFinanceOpsUrl = financeOpsUrl;
      await gatewayPost(`${gatewayRoot}/emulator/link`, { financeOpsUrl, dataverseUrl, legalEntities });
      const cid = await connectionId();
      const solutions = await getJson<Array<{ uniquename: string }>>(
        `${gateway}/SolutionAware/${cid}/Solutions`,
        ADMIN_TOKEN,
      );
      for (const { uniquename } of solutions) {
        await gatewayPost(`${gateway}/SolutionAware/${cid}/RestoreTemplates`, {
          action: '2',
          solutions: [{ criteria: { uniquename } }],
        });
      }
    },

    async runMap(name, initialSync) {
      const cid = await connectionId();
      const find = async () => (await maps(cid)).find((m) => m.detail.tName === name);
      let map = await find();
      if (!map?.detail.pid) {
        await gatewayPost(`${gateway}/Start`, {
          action: '8',
          details: [{ tid: map?.detail.template.id, cid }],
        });
        map = await find();
      }
      // Run with initial sync, as Microsoft's Dual-write-automations tool does it [inferred from the
      // tool]: the map stopped, its project's tables refreshed, then started.
      if (initialSync) {
        await gatewayPost(`${gateway}/Start`, {
          action: '4',
          details: [{ tid: map?.detail.template.id, pid: map?.detail.pid, cid }],
        });
        await waitForState(find, name, '1'); // Stopped
        const project = (await (
          await fetch(`${gateway}/${map?.detail.pid}/FieldMappings`, { headers: ADMIN_TOKEN })
        ).json()) as { name: string };
        await gatewayPost(`${gatewayRoot}/api/Project/${encodeURIComponent(project.name)}/Refresh`, {
          tokens: [''],
        });
      }
      await gatewayPost(`${gateway}/Start`, {
        action: '1',
        details: [
          {
            tid: map?.detail.template.id,
            pid: map?.detail.pid,
            cid,
            parameters: { skipInitialSync: !initialSync, conflictResolution: { option: '1', master: 'CRM' } },
          },
        ],
      });
      // As in the screen: wait until the map shows Running (4) before running the next one.
      await waitForState(find, name, '4');
    },
  };
}

async function gatewayPost(url: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...ADMIN_TOKEN, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url}: ${response.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function waitForState(
  find: () => Promise<GatewayMap | undefined>,
  name: string,
  state: string,
): Promise<void> {
  for (const deadline = Date.now() + 10_000; ;) {
    const current = await find();
    if (current?.detail.state === state) return;
    if (state === '4' && current?.detail.state === '6')
      throw new Error(`${name} did not start: ${current.detail.lastRequest?.errorMessage}`);
    if (Date.now() > deadline) throw new Error(`${name} still ${current?.detail.state}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
