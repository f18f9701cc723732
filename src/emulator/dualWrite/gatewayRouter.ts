import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { sendJsonError } from '../shell/httpShell';
import type { GatewayService } from './gatewayService';
import { GatewayError, MAP_STATE_CODES, type ConnectionRow, type JobRow, type MapRow } from './gatewayTypes';
import { findMapFact } from '../microsoft/entityMaps';

/**
 * The dual-write management gateway under `/dualwrite/api/DualWriteManagement/1.0/`. The real one is
 * an internal API (docs/dynamics-apis.md): the resource names and action codes are from Microsoft's tooling; the
 * JSON bodies here are our reading of it [inferred] and are kept in one place so they are easy to fix.
 */
const codes = z.array(z.string().regex(/^[A-Za-z0-9]{1,4}$/)).max(1000);
const createSchema = z.object({
  FinanceAndOperationsUrl: z.string().url(),
  DataverseUrl: z.string().url(),
  LegalEntities: codes.min(1),
});
const addSchema = z.object({ LegalEntities: codes.min(1) });
const startSchema = z.object({
  EnvironmentId: z.string().min(1),
  EntityName: z.string().min(1),
  Action: z.number().int(),
  Master: z.enum(['Dataverse', 'FinanceAndOperations']).optional(),
  LegalEntities: codes.optional(),
});

export function gatewayRouter(service: GatewayService): Router {
  const router = express.Router();
  router.use(express.json());

  router.get('/Environments', (req, res) => {
    const fo =
      typeof req.query.financeAndOperationsUrl === 'string'
        ? normalise(req.query.financeAndOperationsUrl)
        : undefined;
    const dv = typeof req.query.dataverseUrl === 'string' ? normalise(req.query.dataverseUrl) : undefined;
    const rows = service
      .connections()
      .filter((conn) => (!fo || normalise(conn.fo_url) === fo) && (!dv || normalise(conn.dv_url) === dv));
    res.json({ value: rows.map((conn) => toConnection(service, conn)) });
  });

  router.get('/Environments/:id', (req, res) =>
    res.json(toConnection(service, service.connection(req.params.id))),
  );

  router.post('/Environments', (req, res) => {
    const body = createSchema.parse(req.body);
    const conn = service.createConnection(
      body.FinanceAndOperationsUrl,
      body.DataverseUrl,
      body.LegalEntities,
    );
    res.status(201).json(toConnection(service, conn));
  });

  router.post('/Environments/:id/LegalEntities', (req, res) => {
    const body = addSchema.parse(req.body);
    res.json(toConnection(service, service.addLegalEntities(req.params.id, body.LegalEntities)));
  });

  router.post('/Environments/:id/ApplySolution', (req, res) => {
    service.applySolution(req.params.id);
    res.status(202).json({ EnvironmentId: req.params.id, Status: 'Succeeded' });
  });

  router.get('/Entities', (req, res) => {
    const id = typeof req.query.environmentId === 'string' ? req.query.environmentId : '';
    if (!id) return sendJsonError(res, 400, 'MissingParameter', 'environmentId is required.');
    res.json({ value: service.maps(id).map(toMap) });
  });

  router.post('/Start', (req, res) => {
    const body = startSchema.parse(req.body);
    const job = service.actions.act(body.EnvironmentId, body.EntityName, body.Action, {
      master: body.Master,
      legalEntities: body.LegalEntities,
    });
    res.status(202).json(toJob(job));
  });

  router.get('/Status/:id', (req, res) => {
    const job = service.job(req.params.id);
    if (!job) return sendJsonError(res, 404, 'JobNotFound', `Job ${req.params.id} was not found.`);
    res.json(toJob(job));
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

function normalise(url: string): string {
  return url.trim().replace(/\/+$/, '').toLowerCase();
}

function toConnection(service: GatewayService, conn: ConnectionRow): Record<string, unknown> {
  return {
    Id: conn.id,
    FinanceAndOperationsUrl: conn.fo_url,
    DataverseUrl: conn.dv_url,
    LegalEntities: service.legalEntities(conn.id).map((code) => code.toLowerCase()),
    SolutionApplied: conn.solution_applied === 1,
    CreatedOn: new Date(conn.created_at).toISOString(),
  };
}

function toMap(map: MapRow): Record<string, unknown> {
  const definition = findMapFact(map.name);
  return {
    Name: map.name,
    FinanceAndOperationsEntity: definition?.financeOpsEntitySet,
    DataverseEntity: definition?.dataverseEntitySet,
    State: map.state,
    StateCode: MAP_STATE_CODES[map.state],
    LastError: map.last_error,
    Master: map.master,
    ModifiedOn: new Date(map.updated_at).toISOString(),
  };
}

function toJob(job: JobRow): Record<string, unknown> {
  return {
    Id: job.id,
    EnvironmentId: job.connection_id,
    EntityName: job.map,
    Action: job.action,
    Status: job.status,
    Error: job.error,
  };
}
