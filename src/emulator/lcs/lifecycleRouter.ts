import express, { type Router } from 'express';
import { z } from 'zod';
import { sendJsonError } from '../shell/httpShell';
import { ConflictError, type LcsEnvironmentRow, type LifecycleService } from './lifecycleService';

/**
 * LCS-like API under `/lcs`. Reading environment metadata has the shape of the real LCS Environment
 * API (`GET /environmentinfo/v1/detail/project/{projectId}/`, an `IsSuccess` envelope, 200 even for
 * failures). Deploying is emulator-only: the real LCS API cannot deploy, so live mode never calls it.
 */
const deploySchema = z.object({
  EnvironmentName: z
    .string()
    .trim()
    .regex(/^[A-Za-z][A-Za-z0-9-]{2,39}$/, 'Use 3-40 letters, digits and hyphens, starting with a letter.'),
  DemoData: z.boolean().default(false),
});

export function lifecycleRouter(service: LifecycleService): Router {
  const router = express.Router();

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

function toMetadata(
  row: LcsEnvironmentRow,
  service: LifecycleService,
  projectId: string,
): Record<string, unknown> {
  return {
    EnvironmentId: row.id,
    EnvironmentName: row.name,
    ProjectId: Number(projectId) || projectId,
    EnvironmentInfrastructure: 'MicrosoftManaged',
    EnvironmentType: 'Sandbox',
    EnvironmentGroup: 'Sandbox',
    EnvironmentProduct: 'Finance and Operations',
    EnvironmentEndpointBaseUrl: `${service.financeOpsUrl(row.name)}/`,
    DeploymentState: row.state === 'Deploying' ? 'Deploying' : row.state,
    DeploymentStatusDisplayName: row.state === 'Failed' ? 'Failed' : row.state,
    IsDeploymentStatusTerminal: row.state !== 'Deploying',
    TopologyType: row.demo_data ? 'DemoData' : 'EmptyData',
    CurrentApplicationReleaseName: row.platform_version,
    CurrentPlatformReleaseName: `PU${platformUpdate(row.platform_version)}`,
    CurrentPlatformVersion: `7.0.${7000 + platformUpdate(row.platform_version)}.0`,
    DeploymentErrorMessage: row.failure_reason,
    // Emulator extension: the real metadata does not carry the tenant; clients treat it as optional.
    TenantId: row.tenant_id,
  };
}

/** 10.0.9 was platform update 33; each later 10.0.x is one more. */
function platformUpdate(version: string): number {
  const minor = Number(version.split('.')[2] ?? 0);
  return 24 + minor;
}
