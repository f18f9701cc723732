import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import type { Logger } from '../../log';
import { defaultScope } from '../http/credentials';
import { createHttpClient, type RetryOptions } from '../http/httpPolicy';
import { pagedRead } from '../http/pagedRead';
import { toPlatformError, trimUrl } from '../platformError';

// Microsoft Graph v1.0, the three directory calls that turn ADMINS/APPROVERS entries naming Entra
// groups into roles (microsoftgraph/microsoft-graph-docs-contrib, api-reference/v1.0/api/):
// - directoryobject-getbyids.md: POST /directoryObjects/getByIds {ids, types} -> which ids are groups;
// - directoryobject-checkmembergroups.md: POST /users/{id}/checkMemberGroups {groupIds} (at most 20
//   per request; transitive, so nested groups count) -> the groups the user is in;
// - group-list-transitivemembers.md: GET /groups/{id}/transitiveMembers/microsoft.graph.user with
//   `ConsistencyLevel: eventual` and `$count=true` -> the people of a group, for "who may approve".
// Application permissions: User.Read.All and GroupMember.Read.All (getByIds: Directory.Read.All).
// Token scope `https://graph.microsoft.com/.default` with the bot's @azure/identity credential.

export interface GraphDirectoryClientOptions {
  /** `https://graph.microsoft.com`, or the emulator's `<url>/graph`; `/v1.0` is appended. */
  baseUrl: string;
  credential: TokenCredential;
  /** Token scope; defaults to the `.default` scope of baseUrl. */
  scope?: string;
  logger?: Logger;
  /** Role checks run inside a card click (Teams waits ~5 s): one attempt and a short timeout. */
  retry?: Partial<RetryOptions>;
  timeoutMs?: number;
}

export interface DirectoryPerson {
  id: string;
  displayName: string;
}

const CHECK_BATCH = 20;
const GET_BY_IDS_BATCH = 1000;

const stringsSchema = z.object({ value: z.array(z.string()) });
const objectsSchema = z.object({
  value: z.array(
    z.object({
      '@odata.type': z.string().optional(),
      id: z.string(),
      displayName: z.string().nullable().optional(),
    }),
  ),
  '@odata.nextLink': z.string().optional(),
});

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export interface GraphDirectoryClient {
  /** Of these object ids, the ones that are groups. */
  groupsAmong(ids: string[]): Promise<string[]>;
  /** Of these groups, the ones the user is a member of, directly or through nested groups. */
  memberGroups(userId: string, groupIds: string[]): Promise<string[]>;
  /** Display names of users (and groups) by object id; unknown ids are left out. */
  displayNames(ids: string[]): Promise<Map<string, string>>;
  /** The people in a group, nested groups included, at most `max`. */
  transitiveUsers(groupId: string, max: number): Promise<DirectoryPerson[]>;
}

export function createGraphDirectoryClient(options: GraphDirectoryClientOptions): GraphDirectoryClient {
  const base = trimUrl(options.baseUrl);
  const http = createHttpClient({
    service: 'graph',
    baseURL: `${base}/v1.0`,
    scope: options.scope ?? defaultScope(base),
    credential: options.credential,
    logger: options.logger,
    retry: { maxAttempts: 1, ...options.retry },
    timeoutMs: options.timeoutMs ?? 3000,
    headers: { 'Content-Type': 'application/json' },
  });

  async function getByIds(ids: string[], types: string[]) {
    const found: z.infer<typeof objectsSchema>['value'] = [];
    for (const batch of chunks(ids, GET_BY_IDS_BATCH)) {
      try {
        const response = await http.post(
          '/directoryObjects/getByIds',
          { ids: batch, types },
          { idempotent: true },
        );
        found.push(...objectsSchema.parse(response.data).value);
      } catch (error) {
        throw toPlatformError(error, 'Microsoft Graph getByIds');
      }
    }
    return found;
  }

  return {
    async groupsAmong(ids) {
      if (ids.length === 0) return [];
      const groups = await getByIds(ids, ['group']);
      return groups
        .filter((o) => !o['@odata.type'] || o['@odata.type'] === '#microsoft.graph.group')
        .map((o) => o.id);
    },

    async memberGroups(userId, groupIds) {
      const member: string[] = [];
      for (const batch of chunks(groupIds, CHECK_BATCH)) {
        try {
          const response = await http.post(
            `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
            { groupIds: batch },
            { idempotent: true },
          );
          member.push(...stringsSchema.parse(response.data).value);
        } catch (error) {
          throw toPlatformError(error, 'Microsoft Graph checkMemberGroups');
        }
      }
      return member;
    },

    async displayNames(ids) {
      const names = new Map<string, string>();
      if (ids.length === 0) return names;
      for (const object of await getByIds(ids, ['user', 'group'])) {
        if (object.displayName) names.set(object.id.toLowerCase(), object.displayName);
      }
      return names;
    },

    async transitiveUsers(groupId, max) {
      const people: DirectoryPerson[] = [];
      const first = `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.user?$count=true&$select=id,displayName&$top=${Math.min(999, Math.max(1, max))}`;
      const readPage = async (path: string) => {
        const response = await http.get(path, { headers: { ConsistencyLevel: 'eventual' } });
        const page = objectsSchema.parse(response.data);
        return { value: page.value, nextLink: page['@odata.nextLink'] };
      };
      try {
        // Graph's nextLink is absolute (`https://graph.microsoft.com/v1.0/...?$skiptoken=`): followed
        // as a path under the configured Graph URL, never to another origin (pagedRead.ts).
        for await (const objects of pagedRead(first, readPage, { serviceRoot: `${base}/v1.0` })) {
          people.push(...objects.map((o) => ({ id: o.id, displayName: o.displayName ?? o.id })));
          if (people.length >= max) break;
        }
      } catch (error) {
        throw toPlatformError(error, 'Microsoft Graph transitiveMembers');
      }
      return people.slice(0, max);
    },
  };
}
