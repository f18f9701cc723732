import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { callerOf } from '../entra/entraTokens';
import { sendJsonError } from '../shell/httpShell';
import type { GatewayService } from './gatewayService';
import {
  connectionName,
  financeOpsIdentifier,
  toConnectionSet,
  toEnvironment,
  toMap,
  toSolutionResult,
} from './gatewayShapes';
import { GatewayError, RESTORE_TEMPLATES_ACTION, type ConnectionRow } from './gatewayTypes';
import { recordLinkOwner, requireLinkOwner } from './linkOwner';

// The dual-write management gateway under `/dualwrite`: `api/DualWriteManagement/1.0/...` and the
// host-level `api/ConnectionSet/...`, with the requests of Microsoft's Dual-write-automations tool
// (docs/dynamics-apis.md, "Dual-write management gateway"; each route names the tool file it follows).

const DWM = '/api/DualWriteManagement/1.0';
const codes = z.array(z.string().regex(/^[A-Za-z0-9]{1,4}$/)).max(1000);
/** MapsHelper.cs `MapStartStopAction`: `action` is a string, details name template, project, connection. */
const startSchema = z.object({
  action: z.enum(['1', '4', '5', '6', '8']),
  details: z
    .array(
      z.object({
        tid: z.string().min(1),
        pid: z.string().min(1).nullish(),
        cid: z.string().min(1),
        parameters: z
          .object({
            skipInitialSync: z.boolean(),
            conflictResolution: z.object({ option: z.string(), master: z.enum(['CRM', 'AX']) }).optional(),
          })
          .nullish(),
      }),
    )
    .min(1)
    .max(500),
});
/** SolutionHelpers.cs `SolutionApplyObj`: the tool sends one solution per request. */
const restoreSchema = z.object({
  action: z.literal(String(RESTORE_TEMPLATES_ACTION)),
  solutions: z.array(z.object({ criteria: z.object({ uniquename: z.string().min(1) }) })).length(1),
});
/** ResetLinkPayload.cs. */
const resetSchema = z.object({
  powerAppsEnvironmentName: z.string().min(1),
  environments: z
    .array(
      z.object({
        targetType: z.string(),
        name: z.string(),
        displayName: z.string().nullish(),
        id: z.string().nullish(),
        isDevInstance: z.boolean().optional(),
        directUrl: z.string().nullish(),
      }),
    )
    .min(2),
  legalEntities: codes.min(1),
});
/** DWMapEngine.refreshTable sends `{"tokens":[""]}`. */
const refreshSchema = z.object({ tokens: z.array(z.string()).max(100) });
/** Emulator only: the link wizard has no public API; this stands in for the admin finishing it. */
const linkSchema = z.object({
  financeOpsUrl: z.string().url(),
  dataverseUrl: z.string().url(),
  legalEntities: codes.min(1),
});

/** Emulator only: the Add legal entity dialog (edit-legal-entity.md), with its skip option. */
const addLegalEntitiesSchema = z.object({
  legalEntities: codes.min(1),
  skipInitialWrites: z.boolean().default(false),
});

export function gatewayRouter(service: GatewayService): Router {
  const router = express.Router();
  router.use(express.json());
  const environment = (conn: ConnectionRow) => toEnvironment(conn, service.powerAppsEnvironment(conn));
  const maps = (cid: string) => {
    const published = service.maps(cid);
    const requests = service.requestsByMap(cid);
    return published.map((map) => toMap(map, requests.get(map.name) ?? []));
  };

  // DWEnvCalls.getEnvironment: the connection of one F&O environment, as an array.
  router.get(`${DWM}/Environments`, (req, res) => {
    requireAx(req);
    const identifier = query(req, 'identifier');
    const wanted = financeOpsIdentifier(identifier);
    res.json(
      service
        .connections()
        .filter((conn) => financeOpsIdentifier(conn.fo_url) === wanted)
        .map(environment),
    );
  });

  // DWCommonEngine.tryGetDWMaps: the published maps with their state and last requests.
  router.get(`${DWM}/Entities`, (req, res) => {
    requireAx(req);
    res.json(maps(query(req, 'cid')));
  });

  // DWMapEngine.startStopMap: one action on maps; answers the request id to poll.
  router.post(`${DWM}/Start`, (req, res) => {
    const body = startSchema.parse(req.body);
    const action = Number(body.action);
    const caller = callerOf(req.header('authorization'));
    for (const cid of new Set(body.details.map((detail) => detail.cid)))
      requireLinkOwner(service, cid, caller);
    // One request id per call, shared by its details (the tool pauses or resumes many maps in one call
    // and finds the request id in each map's lastRequests).
    const requestId = randomUUID();
    service.transaction(() =>
      body.details.forEach((detail, index) =>
        service.actions.act(
          detail.cid,
          detail,
          action,
          {
            skipInitialSync: detail.parameters?.skipInitialSync ?? true,
            master: detail.parameters?.conflictResolution?.master,
          },
          index === 0 ? requestId : `${requestId}#${index}`,
        ),
      ),
    );
    res.json({ requestId });
  });

  // DWMapEngine.checkRequestResponseStatus: the maps the request acted on, with their lastRequests.
  router.get(`${DWM}/Status/:requestId`, (req, res) => {
    const jobs = service.requestJobs(req.params.requestId);
    if (!jobs.length)
      return sendJsonError(res, 404, 'RequestNotFound', `Request ${req.params.requestId} was not found.`);
    res.json(
      jobs.map((job) => {
        const map = service.map(job.connection_id, job.map);
        if (!map) throw new GatewayError(404, 'EntityNotFound', `Map ${job.map} was not found.`);
        return toMap(map, service.requests(job.connection_id, job.map));
      }),
    );
  });

  // DWMapEngine.getTemplatePreRequisite: the body is the template ids, the answer one list per id.
  router.post(`${DWM}/GetTemplatePrerequisiteSequences/:cid`, (req, res) => {
    const tids = z.array(z.string().min(1)).min(1).max(500).parse(req.body);
    res.json(service.projects.prerequisiteSequences(req.params.cid, tids));
  });

  // DWCommonEngine.getFieldMappingForMaps: the map's project, whose `name` Refresh takes.
  router.get(`${DWM}/:pid/FieldMappings`, (req, res) => {
    res.json(service.projects.fieldMappings(req.params.pid));
  });

  // DWMapEngine.refreshTable: at the gateway's root, body `{"tokens":[""]}`.
  router.post('/api/Project/:name/Refresh', (req, res) => {
    refreshSchema.parse(req.body);
    service.projects.refresh(req.params.name);
    res.json({}); // [inferred from the tool: it reads only the status code]
  });

  // DWCommonEngine.getSolutions.
  router.get(`${DWM}/SolutionAware/:cid/Solutions`, (req, res) => {
    res.json(service.solutions(req.params.cid).map((uniquename) => ({ uniquename })));
  });

  // DWSolutionEngine.postSolutionApply.
  router.post(`${DWM}/SolutionAware/:cid/RestoreTemplates`, (req, res) => {
    const body = restoreSchema.parse(req.body);
    requireLinkOwner(service, req.params.cid, callerOf(req.header('authorization')));
    const job = service.restoreTemplates(req.params.cid, body.solutions[0].criteria.uniquename);
    res.json({ requestId: job.id });
  });

  // DWSolutionEngine.checkSolutionApplied.
  router.get(`${DWM}/SolutionAware/:cid/Status/:requestId`, (req, res) => {
    const job = service.job(req.params.requestId);
    if (!job || job.connection_id !== req.params.cid || job.action !== RESTORE_TEMPLATES_ACTION)
      return sendJsonError(res, 404, 'RequestNotFound', `Request ${req.params.requestId} was not found.`);
    res.json(toSolutionResult(job));
  });

  // DWCommonEngine.getConnectionSet: by the connection's name (cname), at the gateway's root.
  router.get('/api/ConnectionSet/:cname', (req, res) => {
    const conn = service.connections().find((row) => connectionName(row) === req.params.cname);
    if (!conn)
      return sendJsonError(
        res,
        404,
        'ConnectionSetNotFound',
        `Connection set ${req.params.cname} was not found.`,
      );
    res.json(toConnectionSet(conn, service.powerAppsEnvironment(conn), service.legalEntities(conn.id)));
  });

  // ResetLinkEngine.sendResetLinkPayload: starts the link over with the legal entities given (reset.md).
  router.post('/api/ConnectionSet/:cid/Reset', (req, res) => {
    requireAx(req);
    const body = resetSchema.parse(req.body);
    const conn = service.connection(req.params.cid);
    if (body.powerAppsEnvironmentName !== service.powerAppsEnvironment(conn))
      throw new GatewayError(
        400,
        'EnvironmentMismatch',
        `powerAppsEnvironmentName ${body.powerAppsEnvironmentName} is not the linked Power Platform environment.`,
      );
    service.reset(conn.id, body.legalEntities);
    res.json(toConnectionSet(conn, service.powerAppsEnvironment(conn), service.legalEntities(conn.id)));
  });

  // Emulator only (no public API): Environment details > Add legal entity, as the admin saves it.
  router.post('/emulator/connections/:cid/legalEntities', (req, res) => {
    const body = addLegalEntitiesSchema.parse(req.body);
    const added = service.addLegalEntities(req.params.cid, body.legalEntities, body.skipInitialWrites);
    const conn = service.connection(req.params.cid);
    res.json({ added, legalEntities: service.legalEntities(conn.id) });
  });

  // Emulator only (no public create endpoint): the link the admin makes in F&O's wizard.
  router.post('/emulator/link', (req, res) => {
    const body = linkSchema.parse(req.body);
    const created = service.createConnection(body.financeOpsUrl, body.dataverseUrl, body.legalEntities);
    recordLinkOwner(service, created.id, callerOf(req.header('authorization')));
    const conn = service.connection(created.id);
    res.status(201).json(environment(conn));
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (error instanceof GatewayError) return sendJsonError(res, error.status, error.code, error.message);
    if (error instanceof z.ZodError)
      return sendJsonError(
        res,
        400,
        'InvalidRequest',
        error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
      );
    next(error);
  });
  return router;
}

function query(req: Request, name: string): string {
  const value = req.query[name];
  if (typeof value !== 'string' || !value.trim())
    throw new GatewayError(400, 'MissingParameter', `${name} is required.`);
  return value.trim();
}

function requireAx(req: Request): void {
  if (query(req, 'targetType') !== 'AX')
    throw new GatewayError(400, 'InvalidParameter', 'targetType must be AX.');
}
