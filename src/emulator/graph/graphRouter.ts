import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { directoryPatchSchema, type DirectoryUser, type GraphDirectory } from './graphDirectory';

// The part of Microsoft Graph v1.0 the bot calls to resolve roles from Entra groups, mounted at
// `/graph/v1.0` (the real base is `https://graph.microsoft.com/v1.0`), and its control API at
// `/_emulator/graph`. Sources, from microsoftgraph/microsoft-graph-docs-contrib:
// - api-reference/v1.0/api/directoryobject-checkmembergroups.md: POST /users/{id}/checkMemberGroups
//   and /directoryObjects/{id}/checkMemberGroups, body {groupIds} (at most 20), answer
//   {"@odata.context": ".../$metadata#Collection(Edm.String)", value: [ids]}; transitive; "if the
//   request is invalid (for example, a malformed group ID), the entire request fails".
// - api-reference/v1.0/api/directoryobject-getbyids.md: POST /directoryObjects/getByIds, body
//   {ids (up to 1000), types}, answer {value: [{"@odata.type": "#microsoft.graph.user", id, ...}]}.
// - api-reference/v1.0/api/group-list-transitivemembers.md: GET /groups/{id}/transitiveMembers, and
//   the `/microsoft.graph.user` cast, which needs `ConsistencyLevel: eventual` and `$count=true`.
// - concepts/errors.md: {error: {code, message, innerError: {date, request-id}}}; 429 and 503 may
//   carry Retry-After; codes such as serviceNotAvailable, invalidRequest.
// Inferred (no public page gives them): the 400 code for a missing advanced-query header
// (`Request_UnsupportedQuery`), the 404 code `Request_ResourceNotFound` for an unknown object, that ids
// in groupIds which are not groups are left out of the answer, and the `$skiptoken` paging format.

const GRAPH_CONTEXT = 'https://graph.microsoft.com/v1.0/$metadata';
const guid = z.string().uuid('is not a valid object id');
const checkMemberGroupsSchema = z.object({
  groupIds: z.array(guid).min(1).max(20, 'at most 20 group ids per request'),
});
const getByIdsSchema = z.object({
  ids: z.array(guid).min(1).max(1000, 'at most 1000 ids per request'),
  types: z.array(z.string()).optional(),
});

function graphError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({
    error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID() } },
  });
}

/**
 * Graph's `$skiptoken` is opaque (paging.md: "the client should not parse or rely on it"; the client
 * follows `@odata.nextLink` whole). Its content here, an encoded offset, is [inferred].
 */
const skipToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');

function offsetOf(token: unknown): number {
  const match =
    typeof token === 'string' ? /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString()) : null;
  return match ? Number(match[1]) : 0;
}

function badBody(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  graphError(res, 400, 'invalidRequest', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}

const userJson = (user: DirectoryUser) => ({
  '@odata.type': '#microsoft.graph.user',
  id: user.id,
  displayName: user.displayName,
  userPrincipalName: user.userPrincipalName,
});

export function graphRouter(directory: GraphDirectory): Router {
  const router = express.Router();
  router.use(express.json());

  // The outage switch answers every Graph call while it is on.
  router.use((_req, res, next) => {
    directory.requests += 1;
    const outage = directory.outage;
    if (!outage) return next();
    res.set('Retry-After', String(outage.retryAfterSeconds));
    if (outage.status === 429) return graphError(res, 429, 'TooManyRequests', 'Too many requests.');
    return graphError(res, outage.status, 'serviceNotAvailable', 'The service is not available.');
  });

  const checkMemberGroups = (kind: 'users' | 'directoryObjects') => (req: Request, res: Response) => {
    const subject = directory.object(req.params.id);
    if (!subject || (kind === 'users' && subject.type !== 'user')) {
      return graphError(
        res,
        404,
        'Request_ResourceNotFound',
        `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    const parsed = checkMemberGroupsSchema.safeParse(req.body);
    if (!parsed.success) return badBody(res, parsed.error);
    const id = subject.type === 'user' ? subject.user.id : subject.group.id;
    res.json({
      '@odata.context': `${GRAPH_CONTEXT}#Collection(Edm.String)`,
      value: parsed.data.groupIds.filter((groupId) => directory.isTransitiveMember(id, groupId)),
    });
  };
  router.post('/users/:id/checkMemberGroups', checkMemberGroups('users'));
  router.post('/directoryObjects/:id/checkMemberGroups', checkMemberGroups('directoryObjects'));

  router.post('/directoryObjects/getByIds', (req, res) => {
    const parsed = getByIdsSchema.safeParse(req.body);
    if (!parsed.success) return badBody(res, parsed.error);
    const types = new Set((parsed.data.types ?? ['directoryObject']).map((t) => t.toLowerCase()));
    const all = types.has('directoryobject');
    const value = parsed.data.ids.flatMap((id) => {
      const found = directory.object(id);
      if (!found || (!all && !types.has(found.type))) return [];
      return found.type === 'user'
        ? [userJson(found.user)]
        : [
            {
              '@odata.type': '#microsoft.graph.group',
              id: found.group.id,
              displayName: found.group.displayName,
            },
          ];
    });
    res.json({ '@odata.context': `${GRAPH_CONTEXT}#directoryObjects`, value });
  });

  const transitiveMembers = (usersOnly: boolean) => (req: Request, res: Response) => {
    const group = directory.group(req.params.id);
    if (!group) {
      return graphError(
        res,
        404,
        'Request_ResourceNotFound',
        `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`,
      );
    }
    if (usersOnly && (req.header('ConsistencyLevel') !== 'eventual' || req.query.$count !== 'true')) {
      return graphError(
        res,
        400,
        'Request_UnsupportedQuery',
        'The OData cast requires the ConsistencyLevel header set to eventual and $count=true.',
      );
    }
    const users = directory.transitiveUsers(group.id).map(userJson);
    const nested = usersOnly
      ? []
      : directory
          .snapshot()
          .groups.filter((g) => g.id !== group.id && directory.isTransitiveMember(g.id, group.id))
          .map((g) => ({ '@odata.type': '#microsoft.graph.group', id: g.id, displayName: g.displayName }));
    const all = [...users, ...nested];
    const top = Math.min(999, Math.max(1, Number(req.query.$top ?? 100) || 100));
    const skip = offsetOf(req.query.$skiptoken);
    const page = all.slice(skip, skip + top);
    // Absolute, the request's own query with `$skiptoken` added, `$` unescaped (paging.md's examples).
    const [path, query = ''] = req.originalUrl.split('?');
    const kept = query.split('&').filter((part) => part && !/^(\$|%24)skiptoken=/i.test(part));
    const next =
      skip + top < all.length
        ? `${req.protocol}://${req.get('host')}${path}?${[...kept, `$skiptoken=${skipToken(skip + top)}`].join('&')}`
        : null;
    res.json({
      '@odata.context': `${GRAPH_CONTEXT}#${usersOnly ? 'users' : 'directoryObjects'}`,
      ...(req.query.$count === 'true' ? { '@odata.count': all.length } : {}),
      value: page,
      ...(next ? { '@odata.nextLink': next } : {}),
    });
  };
  router.get('/groups/:id/transitiveMembers', transitiveMembers(false));
  router.get('/groups/:id/transitiveMembers/microsoft.graph.user', transitiveMembers(true));

  router.use((req, res) =>
    graphError(res, 400, 'BadRequest', `Resource not found for the segment '${req.path}'.`),
  );
  return router;
}

/** `GET /_emulator/graph` (the directory and the outage switch), `PUT` to change them, `DELETE` to reset. */
export function graphControlRouter(directory: GraphDirectory): Router {
  const router = express.Router();
  router.use(express.json());
  router.get('/', (_req, res) => res.json(directory.snapshot()));
  router.put('/', (req, res) => {
    const parsed = directoryPatchSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return graphError(res, 400, 'InvalidSettings', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    directory.apply(parsed.data);
    res.json(directory.snapshot());
  });
  router.delete('/', (_req, res) => {
    directory.reset();
    res.json(directory.snapshot());
  });
  return router;
}
