import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { EmulatorContext } from '../shell/emulatorContext';
import { sendFinanceOpsError } from '../shell/httpShell';
import type { FoRow } from './demoData';
import { findFoEntitySet } from './foEntitySets';
import { matches, ODataSyntaxError, parseFilter, parseKeyPredicate, type Literal } from './odataQuery';

/**
 * F&O OData under `/fo/<env>/data/`: public collections with `$filter` (eq/and), `$top`, `$skip`,
 * `$count`, key lookups with `dataAreaId`, `cross-company=true`, and POST for creating rows (legal
 * entities above all). Without `cross-company=true` a query sees only the caller's default company.
 */
const MAX_PAGE = 10_000;

export interface FinanceOpsRouterDeps {
  ctx: EmulatorContext;
  lifecycle: LifecycleService;
  /** Rows of `DualWriteProjectConfigurations`, derived from the gateway's connections. */
  projectConfigurations(env: string): FoRow[];
  /** Rows of `DualWriteProjectPartitionMappings` (the companies of each project), derived the same way. */
  projectPartitionMappings(env: string): FoRow[];
}

/** Read-only sets that mirror the dual-write configuration; POST to them is refused. */
const DUAL_WRITE_SETS = new Set(['DualWriteProjectConfigurations', 'DualWriteProjectPartitionMappings']);

export function financeOpsRouter(deps: FinanceOpsRouterDeps): Router {
  const router = express.Router();
  const { ctx, lifecycle } = deps;

  router.use('/:env', (req, res, next) => {
    const env = lifecycle.deployed(req.params.env);
    if (!env)
      return sendFinanceOpsError(
        res,
        404,
        `No deployed Finance and Operations environment ${req.params.env}.`,
      );
    res.locals.env = env.name;
    res.locals.defaultCompany = env.default_company;
    next();
  });

  router.get('/:env/data', (req, res) => {
    const root = serviceRoot(req);
    res.json({
      '@odata.context': `${root}$metadata`,
      value: [
        'LegalEntities',
        'CustomersV3',
        'VendorsV2',
        'CustomerGroups',
        'PaymentTerms',
        'Currencies',
      ].map((name) => ({
        name,
        kind: 'EntitySet',
        url: name,
      })),
    });
  });

  router.get('/:env/data/*', (req, res) => {
    try {
      const path = (req.params as Record<string, string>)[0];
      const { setName, key, countOnly } = parseResourcePath(path);
      const env = res.locals.env as string;
      const rows = readRows(env, setName, req, res);
      if (!rows) return;
      if (key !== undefined) return sendSingle(req, res, setName, rows, key);
      if (countOnly) return res.type('text/plain').send(String(rows.length));
      const skip = intParam(req.query.$skip, 0);
      const top = Math.min(intParam(req.query.$top, MAX_PAGE), MAX_PAGE);
      const page = rows.slice(skip, skip + top);
      const body: Record<string, unknown> = { '@odata.context': `${serviceRoot(req)}$metadata#${setName}` };
      if (String(req.query.$count) === 'true') body['@odata.count'] = rows.length;
      body.value = page.map(withEtag);
      if (skip + top < rows.length && top === MAX_PAGE) {
        body['@odata.nextLink'] = nextLink(req, skip + top);
      }
      res.set('OData-Version', '4.0').json(body);
    } catch (error) {
      if (error instanceof ODataSyntaxError) return sendFinanceOpsError(res, 400, error.message);
      throw error;
    }
  });

  router.post('/:env/data/:set', express.json(), (req, res) => {
    const set = findFoEntitySet(req.params.set);
    if (!set || DUAL_WRITE_SETS.has(set.name)) {
      return sendFinanceOpsError(res, 404, `Resource not found for the segment '${req.params.set}'.`);
    }
    const env = res.locals.env as string;
    const body = req.body as FoRow;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendFinanceOpsError(res, 400, 'The request body must be a JSON object.');
    }
    const missing = set.keyFields.filter((field) => body[field] === undefined || body[field] === '');
    if (missing.length) return sendFinanceOpsError(res, 400, `Field ${missing[0]} must be filled in.`);
    const row: FoRow = { ...body };
    if (set.name === 'LegalEntities') {
      const id = String(row.LegalEntityId);
      if (!/^[A-Za-z0-9]{1,4}$/.test(id)) {
        return sendFinanceOpsError(res, 400, `The company ${id} is not valid: use 1 to 4 letters or digits.`);
      }
      row.LegalEntityId = id.toUpperCase();
    } else if (set.companySpecific) {
      row.dataAreaId = String(row.dataAreaId ?? res.locals.defaultCompany).toLowerCase();
    }
    if (!ctx.financeOps.insertIfAbsent(env, set, row)) {
      return sendFinanceOpsError(
        res,
        400,
        `Cannot create a record in ${set.name}. The record already exists.`,
        'Microsoft.Dynamics.Ax.Xpp.ErrorException',
      );
    }
    if (set.name === 'LegalEntities')
      ctx.effects.record('fo.legalEntity.create', `${env}/${row.LegalEntityId}`);
    res
      .status(201)
      .set('OData-Version', '4.0')
      .json({
        '@odata.context': `${serviceRoot(req)}$metadata#${set.name}/$entity`,
        ...withEtag(row),
      });
  });

  function readRows(env: string, setName: string, req: Request, res: Response): FoRow[] | undefined {
    const crossCompany = String(req.query['cross-company']) === 'true';
    const filter = parseFilter(typeof req.query.$filter === 'string' ? req.query.$filter : undefined);
    if (setName === 'DualWriteProjectConfigurations') {
      return deps.projectConfigurations(env).filter((row) => matches(row, filter));
    }
    if (setName === 'DualWriteProjectPartitionMappings') {
      return deps.projectPartitionMappings(env).filter((row) => matches(row, filter));
    }
    const set = findFoEntitySet(setName);
    if (!set) {
      sendFinanceOpsError(res, 404, `Resource not found for the segment '${setName}'.`);
      return undefined;
    }
    // Global sets (Currencies, Ledgers…) have no dataAreaId: F&O refuses a filter on a property the
    // entity lacks [inferred message].
    if (!set.companySpecific && filter.some((clause) => clause.field === 'dataAreaId')) {
      sendFinanceOpsError(
        res,
        400,
        `Could not find a property named 'dataAreaId' on the entity set '${set.name}'.`,
      );
      return undefined;
    }
    return ctx.financeOps.query(env, set.name, {
      company: crossCompany || !set.companySpecific ? undefined : String(res.locals.defaultCompany),
      filter,
    });
  }

  return router;
}

function sendSingle(
  req: Request,
  res: Response,
  setName: string,
  rows: FoRow[],
  key: Record<string, Literal> | Literal,
): void {
  const set = findFoEntitySet(setName);
  const keyObject: Record<string, Literal> =
    typeof key === 'object' && key !== null ? key : { [set?.keyFields[0] ?? 'Id']: key };
  if (set?.companySpecific && keyObject.dataAreaId === undefined) {
    return sendFinanceOpsError(res, 400, `The key of ${setName} must include dataAreaId.`);
  }
  const found = rows.find((row) =>
    matches(
      row,
      Object.entries(keyObject).map(([field, value]) => ({ field, value })),
    ),
  );
  if (!found) return sendFinanceOpsError(res, 404, `No ${setName} record matches the key.`);
  res
    .set('OData-Version', '4.0')
    .json({ '@odata.context': `${serviceRoot(req)}$metadata#${setName}/$entity`, ...withEtag(found) });
}

function parseResourcePath(path: string): {
  setName: string;
  key?: Record<string, Literal> | Literal;
  countOnly: boolean;
} {
  const match = /^([A-Za-z][A-Za-z0-9_]*)(?:\((.*)\))?(\/\$count)?\/?$/.exec(path);
  if (!match) throw new ODataSyntaxError(`Resource not found for the segment '${path}'.`);
  return {
    setName: match[1],
    key: match[2] !== undefined ? parseKeyPredicate(match[2]) : undefined,
    countOnly: Boolean(match[3]),
  };
}

function withEtag(row: FoRow): FoRow {
  const tag = createHash('sha1').update(JSON.stringify(row)).digest('base64').slice(0, 27);
  return { '@odata.etag': `W/"${tag}"`, ...row };
}

function serviceRoot(req: Request): string {
  return `${req.protocol}://${req.get('host')}${req.baseUrl}/${encodeURIComponent(String(req.params.env))}/data/`;
}

function nextLink(req: Request, skip: number): string {
  const url = new URL(`${req.protocol}://${req.get('host')}${req.originalUrl}`);
  url.searchParams.set('$skip', String(skip));
  return url.toString();
}

function intParam(value: unknown, fallback: number): number {
  if (typeof value !== 'string' || !/^\d+$/.test(value)) return fallback;
  return Number(value);
}
