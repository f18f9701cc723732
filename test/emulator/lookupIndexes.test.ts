import { templateId } from '../../src/emulator/dualWrite/gatewayTypes';
import { findFoEntitySet, type FoEntitySet } from '../../src/emulator/financeOps/foEntitySets';
import { insertLink, openGatewayRig, type GatewayRig } from './gatewayKit';

// The lookups the emulator does on every gateway read and every tick search an index rather than
// read a whole table (emulatorDatabase.ts, emulator_007_lookup_indexes): the SQL each one runs is
// recorded and its query plan read back from SQLite.

const MAP = 'accounts - Customers V3';

function plansOf(rig: GatewayRig, work: () => void): Array<{ sql: string; plan: string }> {
  const { db } = rig.ctx;
  const prepare = db.prepare.bind(db);
  const selects = new Set<string>();
  db.prepare = ((sql: string) => {
    if (/^\s*SELECT/i.test(sql)) selects.add(sql);
    return prepare(sql);
  }) as typeof db.prepare;
  try {
    work();
  } finally {
    db.prepare = prepare;
  }
  return [...selects].map((sql) => {
    const params = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
    const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return { sql, plan: rows.map((row) => row.detail).join(' | ') };
  });
}

describe('emulator lookups', () => {
  let rig: GatewayRig;

  beforeEach(() => {
    rig = openGatewayRig();
    rig.dataverse.createOrg('dv1');
    rig.dataverse.insert('dv1', 'cdm_companies', { cdm_companycode: 'USMF', cdm_name: 'USMF' });
    rig.financeOps.insertIfAbsent('fo1', findFoEntitySet('CustomersV3') as FoEntitySet, {
      dataAreaId: 'usmf',
      CustomerAccount: 'US-001',
    });
    insertLink(rig, {
      id: 'link-1',
      foEnv: 'fo1',
      dvOrg: 'dv1',
      companies: ['USMF'],
      maps: [MAP],
      state: 'Running',
    });
  });

  afterEach(() => rig.close());

  it('read no whole gateway, F&O or Dataverse table for a map list, a request status or a tick', () => {
    const plans = plansOf(rig, () => {
      rig.gateway.maps('link-1');
      rig.gateway.requests('link-1', MAP);
      rig.gateway.requestsByMap('link-1');
      rig.gateway.requestJobs('00000000-0000-4000-8000-000000000001');
      rig.gateway.actions.advance();
      rig.gateway.live.pass();
      rig.dataverse.insert('dv1', 'accounts', { name: 'New' });
      rig.gateway.live.pass();
    });
    expect(plans.map((p) => p.sql)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('FROM gw_jobs WHERE connection_id = ? AND map = ?'),
        expect.stringContaining('FROM gw_jobs WHERE id = ?'),
        expect.stringContaining("WHERE state = 'InitialSync'"),
        expect.stringContaining('FROM fo_rows'),
        expect.stringContaining('FROM dv_records'),
      ]),
    );
    // The links and their companies are read whole on purpose: a live-sync pass covers every link.
    const whole = /\bSCAN (gw_(?!connections\b|legal_entities\b)|fo_|dv_)/;
    expect(plans.filter((p) => whole.test(p.plan))).toEqual([]);
  });

  it("list each map's latest requests in one query, as the lookup of one map gives them", () => {
    const insert = rig.ctx.db.prepare(
      "INSERT INTO gw_jobs (id, connection_id, map, action, status, error, created_at) VALUES (?, ?, ?, 1, 'Succeeded', NULL, ?)",
    );
    const other = 'msdyn_vendors - Vendors V2';
    // Twelve on one map, some at the same millisecond; two on another; one on another link.
    for (let i = 0; i < 12; i++) insert.run(`job-${i}`, 'link-1', MAP, 1000 + Math.floor(i / 3));
    insert.run('job-b1', 'link-1', other, 5);
    insert.run('job-b2', 'link-1', other, 4);
    insert.run('job-c1', 'link-2', MAP, 9999);
    const byMap = rig.gateway.requestsByMap('link-1');
    expect([...byMap.keys()].sort()).toEqual([MAP, other].sort());
    expect(byMap.get(MAP)).toEqual(rig.gateway.requests('link-1', MAP));
    expect(byMap.get(MAP)?.map((job) => job.id)).toEqual([
      'job-11',
      'job-10',
      'job-9',
      'job-8',
      'job-7',
      'job-6',
      'job-5',
      'job-4',
      'job-3',
      'job-2',
    ]);
    expect(byMap.get(other)).toEqual(rig.gateway.requests('link-1', other));
  });

  it("find a Start detail's map by its template id without listing the link's maps", () => {
    const listed = jest.spyOn(rig.gateway, 'maps');
    expect([
      rig.gateway.mapByTemplate('link-1', templateId(MAP).toUpperCase())?.name,
      rig.gateway.mapByTemplate('link-1', templateId('msdyn_vendors - Vendors V2')),
      rig.gateway.mapByTemplate('link-1', '00000000-0000-4000-8000-000000000009'),
    ]).toEqual([MAP, undefined, undefined]);
    // Only the id no catalog map has lists the link's maps.
    expect(listed).toHaveBeenCalledTimes(1);
    expect(() => rig.gateway.mapByTemplate('link-9', templateId(MAP))).toThrow(/was not found/);
  });

  it("find a map's latest requests in the order of an index, with no sort", () => {
    const plans = plansOf(rig, () => rig.gateway.requests('link-1', MAP));
    expect(plans).toHaveLength(1);
    expect(plans[0].plan).toMatch(/USING INDEX gw_jobs_map/);
    expect(plans[0].plan).not.toMatch(/TEMP B-TREE/);
  });
});
