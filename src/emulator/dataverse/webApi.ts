import { findEntitySet, isKnownProperty, type EntitySetDefinition } from './entitySets';
import type { DataverseRecord, DataverseStore, StoredRecord } from './dataverseStore';
import { sqlColumn } from './dataverseStore';
import { compileFilter, parseFilter } from './odataFilter';
import { errors, ODataError } from './odataErrors';
import { parsePrefer } from './preferHeader';

/**
 * One Dataverse Web API operation (CRUD and queries on an entity set), independent of Express so
 * that a `$batch` runs its parts through exactly the same code as single requests. Synchronous:
 * the router adds latency and execution time around it and commits each request in one SQLite
 * transaction, in which a change set's calls nest as a savepoint.
 */
export interface WebApiRequest {
  method: string;
  /** Path below the service root, e.g. `accounts(<guid>)` or `accounts`. */
  resource: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body?: string;
}

export interface WebApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

export const MAX_PAGE_SIZE = 5000;
const COUNT_CAP = 5000;
const SUPPORTED_OPTIONS = new Set(['$filter', '$select', '$top', '$orderby', '$count', '$skiptoken']);

export class WebApi {
  constructor(
    private readonly store: DataverseStore,
    private readonly org: string,
    /** Absolute service root ending in `/api/data/v9.2/`. */
    readonly serviceRoot: string,
    /** A plug-in's refusal of a write to this entity set (live sync), thrown as the write's answer. */
    private readonly refuseWrite?: (entitySet: string) => ODataError | undefined,
  ) {}

  execute(request: WebApiRequest): WebApiResponse {
    const target = parseResource(request.resource);
    const definition = findEntitySet(target.entitySet);
    if (!definition) throw errors.unknownSegment(target.entitySet);
    const method = request.method.toUpperCase();
    if (method === 'POST' || method === 'PATCH') {
      const refusal = this.refuseWrite?.(definition.entitySet);
      if (refusal) throw refusal;
    }
    if (target.id === undefined) {
      if (method === 'GET') return this.query(definition, request);
      if (method === 'POST') return this.create(definition, request);
      throw errors.methodNotAllowed(method);
    }
    switch (method) {
      case 'GET':
        return this.retrieve(definition, target.id, request);
      case 'PATCH':
        return this.upsert(definition, target.id, request);
      case 'DELETE':
        if (!this.store.delete(this.org, definition.entitySet, target.id)) {
          throw errors.recordNotFound(definition.logicalName, target.id);
        }
        return { status: 204, headers: {} };
      default:
        throw errors.methodNotAllowed(method);
    }
  }

  entityUrl(definition: EntitySetDefinition, id: string): string {
    return `${this.serviceRoot}${definition.entitySet}(${id})`;
  }

  private query(definition: EntitySetDefinition, request: WebApiRequest): WebApiResponse {
    const { query } = request;
    for (const name of query.keys()) {
      if (name === '$skip') throw errors.skipNotSupported();
      if (name.startsWith('$') && !SUPPORTED_OPTIONS.has(name)) {
        throw errors.badQuery(`The query parameter ${name} is not supported by the emulator.`);
      }
    }
    const select = parseSelect(definition, query.get('$select'));
    const filterText = query.get('$filter');
    const where = filterText ? compileFilter(definition, parseFilter(filterText)) : undefined;
    const orderBy = parseOrderBy(definition, query.get('$orderby'));
    const prefer = parsePrefer(request.headers['prefer']);
    const requestedPageSize = prefer.maxPageSize;
    const pageSize = Math.min(requestedPageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
    const top = parseTop(query.get('$top'));

    const cookie = parseSkipToken(query.get('$skiptoken'));
    const keyOrdered = orderBy.length === 0;
    const limit = top !== undefined ? Math.min(top, pageSize) : pageSize;
    const rows = this.store.queryRecords(this.org, definition.entitySet, {
      where,
      orderBy,
      afterKey: keyOrdered ? cookie?.last : undefined,
      offset: keyOrdered ? undefined : cookie ? (cookie.pageNumber - 1) * pageSize : undefined,
      limit: limit + 1,
    });
    const more = top === undefined && rows.length > limit;
    const page = rows.slice(0, limit);

    const body: Record<string, unknown> = { '@odata.context': this.contextUrl(definition, select) };
    if (query.get('$count') === 'true') {
      const total = this.store.countRecords(this.org, definition.entitySet, where);
      body['@odata.count'] = Math.min(total, COUNT_CAP);
      if (total > COUNT_CAP) body['@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded'] = true;
    }
    body.value = page.map((record) => serializeRecord(definition, record, select));
    if (more) {
      const pageNumber = (cookie?.pageNumber ?? 1) + 1;
      const next = new URLSearchParams();
      for (const [name, value] of query) if (name !== '$skiptoken') next.append(name, value);
      next.append('$skiptoken', skipToken(definition, pageNumber, page[0].id, page[page.length - 1].id));
      body['@odata.nextLink'] = `${this.serviceRoot}${definition.entitySet}?${encodeQuery(next)}`;
    }
    const headers: Record<string, string> = {};
    if (requestedPageSize !== undefined) headers['Preference-Applied'] = `odata.maxpagesize=${pageSize}`;
    return { status: 200, headers, body };
  }

  private retrieve(definition: EntitySetDefinition, id: string, request: WebApiRequest): WebApiResponse {
    const select = parseSelect(definition, request.query.get('$select'));
    const record = this.store.getRecord(this.org, definition.entitySet, id);
    if (!record) throw errors.recordNotFound(definition.logicalName, id);
    return {
      status: 200,
      headers: { ETag: etag(record) },
      body: {
        '@odata.context': this.contextUrl(definition, select, true),
        ...serializeRecord(definition, record, select),
      },
    };
  }

  private create(definition: EntitySetDefinition, request: WebApiRequest): WebApiResponse {
    const data = parseBody(definition, request.body);
    const record = this.store.insertRecord(this.org, definition.entitySet, data);
    return this.written(definition, record, request, 201);
  }

  private upsert(definition: EntitySetDefinition, id: string, request: WebApiRequest): WebApiResponse {
    const data = parseBody(definition, request.body);
    const ifMatch = request.headers['if-match'];
    const ifNoneMatch = request.headers['if-none-match'];
    const existing = this.store.getRecord(this.org, definition.entitySet, id);
    if (!existing) {
      if (ifMatch !== undefined) throw errors.recordNotFound(definition.logicalName, id);
      const created = this.store.insertRecord(this.org, definition.entitySet, {
        ...data,
        [definition.primaryKey]: id,
      });
      return this.written(definition, created, request, 201);
    }
    if (ifNoneMatch === '*') throw errors.duplicateKey();
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== etag(existing)) throw errors.staleEtag();
    const updated = this.store.updateRecord(this.org, definition.entitySet, id, data)!;
    return this.written(definition, updated, request, 200);
  }

  /** 204 + OData-EntityId, or the record with `Prefer: return=representation`. */
  private written(
    definition: EntitySetDefinition,
    record: StoredRecord,
    request: WebApiRequest,
    representationStatus: number,
  ): WebApiResponse {
    const headers: Record<string, string> = { 'OData-EntityId': this.entityUrl(definition, record.id) };
    if (!parsePrefer(request.headers['prefer']).returnRepresentation) return { status: 204, headers };
    const select = parseSelect(definition, request.query.get('$select'));
    headers['Preference-Applied'] = 'return=representation';
    headers.ETag = etag(record);
    return {
      status: representationStatus,
      headers,
      body: {
        '@odata.context': this.contextUrl(definition, select, true),
        ...serializeRecord(definition, record, select),
      },
    };
  }

  private contextUrl(definition: EntitySetDefinition, select: string[] | undefined, entity = false): string {
    const columns = select ? `(${select.join(',')})` : '';
    return `${this.serviceRoot}$metadata#${definition.entitySet}${columns}${entity ? '/$entity' : ''}`;
  }
}

export function etag(record: StoredRecord): string {
  return `W/"${record.etag}"`;
}

/** A record on the wire: its etag first, the primary key always, the selected columns or all. */
function serializeRecord(
  definition: EntitySetDefinition,
  record: StoredRecord,
  select: string[] | undefined,
): DataverseRecord {
  const out: DataverseRecord = { '@odata.etag': etag(record) };
  if (!select) return Object.assign(out, record.data);
  for (const property of select) out[property] = record.data[property] ?? null;
  out[definition.primaryKey] = record.id;
  return out;
}

/** `accounts`, `accounts(<guid>)` or `accounts(accountid=<guid>)`. */
export function parseResource(resource: string): { entitySet: string; id?: string } {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:\((.*)\))?$/.exec(resource);
  if (!match) throw errors.unknownSegment(resource.split(/[/(]/)[0] || resource);
  if (match[2] === undefined) return { entitySet: match[1] };
  const key =
    /^(?:[A-Za-z_][A-Za-z0-9_]*=)?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/.exec(
      match[2],
    );
  if (!key) throw errors.badQuery(`Invalid key '${match[2]}' for entity set '${match[1]}'.`);
  return { entitySet: match[1], id: key[1].toLowerCase() };
}

function parseSelect(definition: EntitySetDefinition, text: string | null): string[] | undefined {
  if (!text) return undefined;
  const properties = text.split(',').map((p) => p.trim());
  for (const property of properties) {
    if (!isKnownProperty(definition, property))
      throw errors.unknownProperty(definition.logicalName, property);
  }
  return properties;
}

function parseOrderBy(
  definition: EntitySetDefinition,
  text: string | null,
): Array<{ expression: string; descending: boolean }> {
  if (!text) return [];
  const order = text.split(',').map((part) => {
    const [property, direction, ...rest] = part.trim().split(/\s+/);
    if (rest.length > 0 || (direction !== undefined && !/^(asc|desc)$/.test(direction))) {
      throw errors.badQuery(`Syntax error in $orderby '${text}'.`);
    }
    if (!isKnownProperty(definition, property))
      throw errors.unknownProperty(definition.logicalName, property);
    return { property, expression: sqlColumn(definition, property), descending: direction === 'desc' };
  });
  // Ascending by key alone is the natural order: keep key-cursor paging for it.
  if (order.length === 1 && order[0].property === definition.primaryKey && !order[0].descending) return [];
  return order.map(({ expression, descending }) => ({ expression, descending }));
}

function parseTop(text: string | null): number | undefined {
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw errors.badQuery(`Invalid value '${text}' for $top.`);
  return Number(text);
}

function parseBody(definition: EntitySetDefinition, body: string | undefined): DataverseRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body && body.trim() !== '' ? body : '{}');
  } catch {
    throw errors.badQuery('The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw errors.badQuery('The request body must be a JSON object.');
  }
  const data: DataverseRecord = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (name.endsWith('@odata.bind')) {
      const lookup = name.slice(0, -'@odata.bind'.length);
      if (!(lookup in definition.lookups)) throw errors.invalidBodyProperty(definition.logicalName, lookup);
      data[name] = value;
    } else if (name.startsWith('@') || name.includes('@odata.')) {
      continue; // instance annotations are ignored, as the service does
    } else if (name === definition.primaryKey || definition.columns.includes(name)) {
      data[name] = value;
    } else {
      throw errors.invalidBodyProperty(definition.logicalName, name);
    }
  }
  return data;
}

/** The paging cookie in the shape the real service uses (clients treat it as opaque). */
function skipToken(definition: EntitySetDefinition, pageNumber: number, first: string, last: string): string {
  const inner = `<cookie page="${pageNumber - 1}"><${definition.primaryKey} last="{${last.toUpperCase()}}" first="{${first.toUpperCase()}}" /></cookie>`;
  return `<cookie pagenumber="${pageNumber}" pagingcookie="${encodeURIComponent(encodeURIComponent(inner))}" istracking="False" />`;
}

function parseSkipToken(token: string | null): { pageNumber: number; last?: string } | undefined {
  if (token === null) return undefined;
  const page = /pagenumber="(\d+)"/.exec(token);
  const cookie = /pagingcookie="([^"]*)"/.exec(token);
  if (!page) throw errors.badQuery('Invalid $skiptoken.');
  let last: string | undefined;
  if (cookie) {
    const inner = decodeURIComponent(decodeURIComponent(cookie[1]));
    last = /last="\{([0-9A-Fa-f-]{36})\}"/.exec(inner)?.[1]?.toLowerCase();
  }
  return { pageNumber: Number(page[1]), last };
}

/** Query string with `$` kept literal, as the service writes its nextLinks. */
function encodeQuery(params: URLSearchParams): string {
  return [...params]
    .map(([name, value]) => `${name}=${encodeURIComponent(value).replace(/%24/g, '$')}`)
    .join('&');
}

export { ODataError };
