import { runMapOnce } from '../../src/engine/steps/mapRunner';
import { mapsNotRunning } from '../../src/engine/steps/dualWriteSteps';
import type { StepContext } from '../../src/engine/steps/stepContext';
import type { EntityMapStatus } from '../../src/engine/ports';

// Issue 31, item 4: a planned map the dual-write connection does not list fails the step with an
// error that names its table and name; it is never "not published, skipped" (a run must not end
// green while a chosen map is not running).

const listed: EntityMapStatus[] = [
  { table: 'cdm_companies', name: 'Legal entities', state: 'Running' },
  { table: 'msdyn_internalorganizations', name: 'Legal entities', state: 'NotRunning' },
];

function contextListing(maps: EntityMapStatus[]): StepContext {
  const runMap = jest.fn();
  return {
    platform: { dualWrite: { listMaps: async () => maps, runMap } },
    clock: { now: () => new Date(), sleep: async () => undefined },
    pollIntervalMs: 1,
  } as unknown as StepContext;
}

describe('running a planned map', () => {
  it('fails, naming the table and the name, when the connection does not list the map', async () => {
    const ctx = contextListing(listed);
    await expect(
      runMapOnce(ctx, 'c1', 'contacts - CDS Contacts V2 (Customer)', { initialSync: false }),
    ).rejects.toMatchObject({
      name: 'PermanentStepError',
      code: 'map_not_found',
      message: expect.stringContaining('CDS Contacts V2 (Customer) (table contacts)'),
    });
    expect(ctx.platform.dualWrite.runMap).not.toHaveBeenCalled();
  });

  it('takes the map of the planned table, not its namesake', async () => {
    const ctx = contextListing(listed);
    await expect(
      runMapOnce(ctx, 'c1', 'cdm_companies - Legal entities', { initialSync: false }),
    ).resolves.toBe('already_running');
    expect(ctx.platform.dualWrite.runMap).not.toHaveBeenCalled();
  });

  it('starts the map by its key, so the gateway cannot take its namesake', async () => {
    const ctx = contextListing([
      { table: 'cdm_companies', name: 'Legal entities', state: 'NotRunning' },
      { table: 'msdyn_internalorganizations', name: 'Legal entities', state: 'NotRunning' },
    ]);
    (ctx.platform.dualWrite.runMap as jest.Mock).mockImplementation(async () => {
      (await ctx.platform.dualWrite.listMaps('c1'))[0].state = 'Running';
    });
    await runMapOnce(ctx, 'c1', 'cdm_companies - Legal entities', { initialSync: false });
    expect(ctx.platform.dualWrite.runMap).toHaveBeenCalledWith('c1', 'cdm_companies - Legal entities', {
      initialSync: false,
    });
  });

  it('verification counts a map the connection does not list as not running', () => {
    expect(mapsNotRunning(listed, ['cdm_companies - Legal entities', 'accounts - Customers V3'])).toEqual([
      'accounts - Customers V3 (not found: Apply Solution did not publish it)',
    ]);
  });
});
