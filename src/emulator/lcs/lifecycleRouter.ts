import express, { type Router } from 'express';
import { z } from 'zod';
import { sendJsonError } from '../shell/httpShell';
import type { LcsRateLimit } from './lcsRateLimit';
import { ConflictError, type LcsEnvironmentRow, type LifecycleService } from './lifecycleService';

// LCS-like API under `/lcs`. Reading environment metadata has the shape of the real LCS Environment
// API (reference-environment-metadata.md: `GET /environmentinfo/v1/detail/project/{projectId}/`,
// header `x-ms-version: 2017-09-15`, an `IsSuccess` envelope, 200 even for failures, 6 calls per
// project per minute). Deploying is emulator-only: the real LCS API cannot deploy (no public deploy
// endpoint), so live mode never calls it.
const deploySchema = z.object({
  EnvironmentName: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9-]{2,39}$/, 'Use 3-40 letters, digits and hyphens, starting with a letter.'),
  DemoData: z.boolean().default(false),
});

export function lifecycleRouter(service: LifecycleService, rateLimit: LcsRateLimit): Router {
  const router = express.Router();

  router.use('/:api/v1/:what/project/:projectId', (req, res, next) => {
    if (req.header('x-ms-version') !== '2017-09-15')
      return sendJsonError(res, 400, 'InvalidVersion', "The header x-ms-version: '2017-09-15' is required.");
    const wait = rateLimit.take(req.params.projectId);
    if (wait !== undefined) {
      res
        .status(429)
        .set('Retry-After', String(wait))
        .json({
          IsSuccess: false,
          OperationActivityId: req.header('x-ms-client-request-id') ?? null,
          ErrorMessage: 'Too Many Requests: 6 calls for each project per 1 minute.',
          VersionEOL: '9999-12-31T23:59:59.9999999',
        });
      return;
    }
    next();
  });

  router.get('/environmentinfo/v1/detail/project/:projectId', (req, res) => {
    const byId = typeof req.query.environmentId === 'string' ? req.query.environmentId : undefined;
    const byName = typeof req.query.environmentName === 'string' ? req.query.environmentName : undefined;
    const page = Math.max(1, Number(req.query.page ?? 1) || 1);
    const pageSize = 20;
    let rows = service.list();
    if (byId) rows = rows.filter((row) => row.id === byId);
    if (byName) rows = rows.filter((row) => row.name.toLowerCase() === byName.toLowerCase());
    const slice = rows.slice((page - 1) * pageSize, page * pageSize);
    res.json({
      ResultPageCurrent: page,
      ResultHasMorePages: rows.length > page * pageSize,
      Data: slice.map((row) => toMetadata(row, service, req.params.projectId)),
      IsSuccess: true,
      OperationActivityId: req.header('x-ms-client-request-id') ?? null,
      ErrorMessage: null,
      VersionEOL: '9999-12-31T23:59:59.9999999',
    });
  });

  // Emulator-only: start a deployment (in LCS this is a portal wizard).
  router.post('/environment/v1/deploy/project/:projectId', express.json(), (req, res) => {
    const parsed = deploySchema.safeParse(req.body);
    if (!parsed.success) return sendJsonError(res, 400, 'InvalidRequest', parsed.error.issues[0].message);
    try {
      const row = service.deploy(parsed.data.EnvironmentName, parsed.data.DemoData);
      res.status(202).json({
        IsSuccess: true,
        ErrorMessage: null,
        OperationActivityId: req.header('x-ms-client-request-id') ?? null,
        Data: toMetadata(row, service, req.params.projectId),
      });
    } catch (error) {
      if (error instanceof ConflictError) return sendJsonError(res, 409, 'EnvironmentExists', error.message);
      throw error;
    }
  });

  return router;
}

/** One environment in the documented shape (the example response of reference-environment-metadata.md). */
function toMetadata(
  row: LcsEnvironmentRow,
  service: LifecycleService,
  projectId: string,
): Record<string, unknown> {
  const update = platformUpdate(row.platform_version);
  const deployed = row.state === 'Deployed';
  return {
    EnvironmentId: row.id,
    EnvironmentName: row.name,
    ProjectId: Number(projectId) || projectId,
    EnvironmentInfrastructure: 'MicrosoftManaged',
    EnvironmentType: 'Sandbox',
    EnvironmentGroup: 'Primary',
    EnvironmentProduct: 'Finance and Operations',
    EnvironmentEndpointBaseUrl: `${service.financeOpsUrl(row.name)}/`,
    // The most recent operation's state; "Finished" once the deployment ended either way [inferred
    // for the in-progress and failed values].
    DeploymentState:
      row.state === 'Deploying' ? 'InProgress' : row.state === 'Failed' ? 'Failed' : 'Finished',
    // The demo-data marker in the topology name is [inferred]: LCS documents no demo-data field.
    TopologyDisplayName: `Finance and Operations - Sandbox (${row.platform_version} with Platform update ${update})${row.demo_data ? ' - Demo data' : ''}`,
    CurrentApplicationBuildVersion: `10.0.${1000 + update}.0`,
    CurrentApplicationReleaseName: row.platform_version,
    CurrentPlatformReleaseName: `Update${update}`,
    CurrentPlatformVersion: `7.0.${7000 + update}.0`,
    DeployedOnUTC: deployed ? lcsDate(row.ready_at) : null,
    CloudStorageLocation: 'East US',
    DisasterRecoveryLocation: 'West US',
    DeploymentStatusDisplay: row.state === 'Deploying' ? 'Deploying' : row.state,
    CanStart: false,
    CanStop: deployed,
  };
}

/** "8/5/2021 11:00 PM", as the documented example writes UTC times. */
function lcsDate(epochMs: number): string {
  const d = new Date(epochMs);
  const hours = d.getUTCHours() % 12 || 12;
  const minutes = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hours}:${minutes} ${d.getUTCHours() < 12 ? 'AM' : 'PM'}`;
}

/** 10.0.9 was platform update 33; each later 10.0.x is one more. */
function platformUpdate(version: string): number {
  const minor = Number(version.split('.')[2] ?? 0);
  return 24 + minor;
}
