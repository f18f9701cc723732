import type { AxiosInstance } from 'axios';
import { z } from 'zod';
import { retryAfterMsOf } from '../http/pollHint';
import { DWM_PATH, mapSchema, requestState, type GatewayMap } from './gatewayWire';
import type { GatewayRequest } from './requestWait';

// The requests around a map's project that Microsoft's Dual-write-automations tool makes before an
// initial sync (DWMapEngine.cs `runInitialSetup`, `refreshTable`, `getTemplatePreRequisite`), all
// [inferred from the tool]: an action on the map waited on through `Status/{requestId}`; the
// project's name from `{pid}/FieldMappings`; `api/Project/{name}/Refresh`; and the template's
// prerequisite sequence.

export interface GatewayCalls {
  http: AxiosInstance;
  /** Posts one `Start` detail with this action; answers the request id. */
  start(detail: Record<string, unknown>, action: string): Promise<string>;
  waitFor(what: string, read: () => Promise<GatewayRequest | undefined>): Promise<void>;
}

/** One `Start` action, waited on; answers the maps the request acted on, as they are now. */
export async function actAndWait(
  calls: GatewayCalls,
  detail: Record<string, unknown>,
  action: string,
  what: string,
): Promise<GatewayMap[]> {
  const requestId = await calls.start(detail, action);
  let answered: GatewayMap[] = [];
  await calls.waitFor(what, async () => {
    const status = await calls.http.get(`${DWM_PATH}/Status/${encodeURIComponent(requestId)}`);
    answered = z.array(mapSchema).parse(status.data);
    const found = requestState(answered, requestId);
    return found && { state: found.state, message: found.errorMessage, retryAfterMs: retryAfterMsOf(status) };
  });
  return answered;
}

const fieldMappingSchema = z.object({ name: z.string().min(1) }).passthrough();

/**
 * Refreshes the tables of a map's project, as the tool does right before every initial sync ("to make
 * sure all references are set properly"): the project's `name` from `GET {pid}/FieldMappings`, then
 * `POST api/Project/{name}/Refresh` with `{"tokens":[""]}` at the gateway's root. It rereads table
 * definitions and changes no data: safe to send again after a crash.
 */
export async function refreshProject(calls: GatewayCalls, pid: string): Promise<void> {
  const project = await calls.http.get(`${DWM_PATH}/${encodeURIComponent(pid)}/FieldMappings`);
  const { name } = fieldMappingSchema.parse(project.data);
  await calls.http.post(
    `/api/Project/${encodeURIComponent(name)}/Refresh`,
    { tokens: [''] },
    { idempotent: true },
  );
}

/**
 * `POST GetTemplatePrerequisiteSequences/{cid}` with `["<tid>"]`: the template ids to run in order
 * for this template, its prerequisites first; the tool reads the first list (`dependecy[0]`).
 */
export async function prerequisiteTemplates(
  calls: GatewayCalls,
  cid: string,
  tid: string,
): Promise<string[]> {
  const response = await calls.http.post(
    `${DWM_PATH}/GetTemplatePrerequisiteSequences/${encodeURIComponent(cid)}`,
    [tid],
    { idempotent: true },
  );
  return z.array(z.array(z.string())).parse(response.data)[0] ?? [];
}
