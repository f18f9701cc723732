import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ConflictError } from '../lcs/lifecycleService';
import { sendJsonError } from '../shell/httpShell';
import {
  DATAVERSE_SOLUTION_VERSION,
  PACKAGE_CATALOG,
  type PackageDefinition,
  type PackageOperationRow,
  type PowerPlatformEnvironmentRow,
  type PowerPlatformService,
} from './powerPlatformService';

// Power Platform APIs in their real shapes (docs/dynamics-apis.md, "Power Platform"): the BAP admin
// environments API (mounted at `/bap`, like `https://api.bap.microsoft.com`; create answers 202 and a
// `Location` of a lifecycle operation, as terraform-provider-power-platform follows it) and application
// packages (mounted at `/powerplatform`, like `https://api.powerplatform.com`; shapes from
// programmability-tutorial-install-application-environment.md).
const ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';
const LIFECYCLE_OPERATIONS = '/providers/Microsoft.BusinessAppPlatform/lifecycleOperations';

const createSchema = z.object({
  location: z.string().default('unitedstates'),
  properties: z.object({
    displayName: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]{2,39}$/, 'Use 3-40 letters, digits and hyphens, starting with a letter.'),
    environmentSku: z.string().default('Sandbox'),
    databaseType: z.string().optional(),
    linkedEnvironmentMetadata: z
      .object({ templates: z.array(z.string()).default([]), domainName: z.string().optional() })
      .passthrough()
      .optional(),
  }),
});

function requireApiVersion(req: Request, res: Response): boolean {
  if (typeof req.query['api-version'] === 'string') return true;
  sendJsonError(
    res,
    400,
    'MissingApiVersionParameter',
    'The api-version query parameter (?api-version=) is required for all requests.',
  );
  return false;
}

export function bapRouter(service: PowerPlatformService): Router {
  const router = express.Router();

  router.get(ENVIRONMENTS, (req, res) => {
    if (!requireApiVersion(req, res)) return;
    res.json({ value: service.list().map((row) => toBapEnvironment(row, service)) });
  });

  router.get(`${ENVIRONMENTS}/:id`, (req, res) => {
    if (!requireApiVersion(req, res)) return;
    const row = service.findById(req.params.id);
    if (!row)
      return sendJsonError(
        res,
        404,
        'EnvironmentNotFound',
        `The environment '${req.params.id}' could not be found.`,
      );
    res.json(toBapEnvironment(row, service));
  });

  // Creation is asynchronous: 202 with the environment in `Creating` and a Location to poll.
  const create = (req: Request, res: Response) => {
    if (!requireApiVersion(req, res)) return;
    const parsed = createSchema.safeParse(req.body);
    if (!parsed.success)
      return sendJsonError(res, 400, 'InvalidRequestContent', parsed.error.issues[0].message);
    const templates = parsed.data.properties.linkedEnvironmentMetadata?.templates ?? [];
    try {
      const row = service.createEnvironment(parsed.data.properties.displayName, templates.length > 0);
      const location = `${req.protocol}://${req.get('host')}${req.baseUrl}${LIFECYCLE_OPERATIONS}/${row.id}?api-version=${req.query['api-version']}`;
      res.status(202).set('Location', location).json(toLifecycleOperation(row));
    } catch (error) {
      if (error instanceof ConflictError)
        return sendJsonError(res, 409, 'EnvironmentNameAlreadyExists', error.message);
      throw error;
    }
  };
  // The lifecycle operation of a create; its id is the new environment's (one create per environment).
  router.get(`${LIFECYCLE_OPERATIONS}/:id`, (req, res) => {
    if (!requireApiVersion(req, res)) return;
    const row = service.findById(req.params.id);
    if (!row)
      return sendJsonError(
        res,
        404,
        'LifecycleOperationNotFound',
        `Operation '${req.params.id}' was not found.`,
      );
    res.json(toLifecycleOperation(row));
  });

  router.post('/providers/Microsoft.BusinessAppPlatform/environments', express.json(), create);
  router.post(ENVIRONMENTS, express.json(), create);

  return router;
}

export function applicationPackagesRouter(service: PowerPlatformService): Router {
  const router = express.Router();
  const base = '/appmanagement/environments/:environmentId';

  const environment = (req: Request, res: Response): PowerPlatformEnvironmentRow | undefined => {
    if (!requireApiVersion(req, res)) return undefined;
    const row = service.findById(req.params.environmentId);
    if (!row || row.state !== 'Succeeded') {
      sendJsonError(
        res,
        404,
        'EnvironmentNotFound',
        `Environment ${req.params.environmentId} was not found or is not ready.`,
      );
      return undefined;
    }
    return row;
  };

  router.get(`${base}/applicationPackages`, (req, res) => {
    const env = environment(req, res);
    if (!env) return;
    res.json({
      value: PACKAGE_CATALOG.map((pkg) => ({
        id: packageId(pkg.uniqueName),
        uniqueName: pkg.uniqueName,
        version: pkg.version,
        localizedDescription: pkg.localizedName,
        localizedName: pkg.localizedName,
        applicationId: packageId(`app:${pkg.uniqueName}`),
        applicationName: pkg.uniqueName,
        applicationDescription: '',
        singlePageApplicationUrl: '',
        publisherName: 'Microsoft Dynamics 365',
        publisherId: '255953fd-9ab8-4146-bfa1-859aae326ae9',
        learnMoreUrl: 'https://go.microsoft.com/fwlink/?linkid=2098901',
        crmMinversion: '9.0',
        crmMaxVersion: null,
        customHandleUpgrade: false,
        instancePackageId: null,
        state: service.packageState(env, pkg),
        catalogVisibility: 'None',
        applicationVisibility: 'All',
        errorDetails: null,
        startDateUtc: '2016-01-01T00:00:00Z',
        endDateUtc: '2050-01-01T00:00:00Z',
        supportedCountries: ['US', 'DE', 'GB'],
      })),
    });
  });

  router.post(`${base}/applicationPackages/:uniqueName/install`, (req, res) => {
    const env = environment(req, res);
    if (!env) return;
    const pkg = PACKAGE_CATALOG.find((p) => p.uniqueName === req.params.uniqueName);
    if (!pkg)
      return sendJsonError(
        res,
        404,
        'ApplicationPackageNotFound',
        `Package ${req.params.uniqueName} was not found.`,
      );
    const op = service.install(env, pkg);
    const operationUrl = `${req.protocol}://${req.get('host')}${req.baseUrl}/appmanagement/environments/${env.id}/operations/${op.id}?api-version=${req.query['api-version']}`;
    res.status(202).set('Operation-Location', operationUrl).json(toPackageInstance(op, pkg));
  });

  router.get(`${base}/operations/:operationId`, (req, res) => {
    const env = environment(req, res);
    if (!env) return;
    const op = service.operation(req.params.operationId);
    if (!op || op.environment_id !== env.id) {
      return sendJsonError(
        res,
        404,
        'OperationNotFound',
        `Operation ${req.params.operationId} was not found.`,
      );
    }
    res.json(toOperation(op));
  });

  return router;
}

/** The poll's answer: `status` and `operationId`, no `id` (the documented example). */
function toOperation(op: PackageOperationRow): Record<string, unknown> {
  return {
    status: op.status,
    createdDateTime: new Date(op.created_at).toISOString(),
    lastActionDateTime: op.status === 'Running' ? null : new Date(op.ready_at).toISOString(),
    error: op.error ? { code: 'InstallFailed', message: op.error } : null,
    statusMessage: op.error,
    operationId: op.id,
  };
}

/** The install's answer: the package instance, its `id`, and `lastOperation.operationId`. */
function toPackageInstance(op: PackageOperationRow, pkg: PackageDefinition): Record<string, unknown> {
  const instanceId = packageId(`instance:${op.environment_id}:${pkg.uniqueName}`);
  return {
    id: instanceId,
    packageId: packageId(pkg.uniqueName),
    applicationId: packageId(`app:${pkg.uniqueName}`),
    applicationName: pkg.uniqueName,
    applicationDescription: '',
    singlePageApplicationUrl: '',
    publisherName: 'Microsoft Dynamics 365',
    publisherId: '255953fd-9ab8-4146-bfa1-859aae326ae9',
    packageUniqueName: pkg.uniqueName,
    packageVersion: pkg.version,
    localizedDescription: pkg.localizedName,
    localizedName: pkg.localizedName,
    learnMoreUrl: 'https://go.microsoft.com/fwlink/?linkid=2098901',
    // Terms of service of the package [inferred URL].
    termsOfServiceBlobUris: ['https://go.microsoft.com/fwlink/?linkid=2098901'],
    applicationVisibility: 'All',
    lastOperation: {
      state: 'InstallRequested',
      createdOn: new Date(op.created_at).toISOString(),
      modifiedOn: null,
      errorDetails: null,
      statusMessage: null,
      instancePackageId: instanceId,
      operationId: op.id,
    },
    customHandleUpgrade: false,
  };
}

/** A lifecycle operation (the shape terraform-provider-power-platform's test fixtures record). */
function toLifecycleOperation(row: PowerPlatformEnvironmentRow): Record<string, unknown> {
  const state = row.state === 'Creating' ? 'Running' : row.state;
  const started = new Date(row.created_at).toISOString();
  const last = new Date(Math.min(row.ready_at, Date.now())).toISOString();
  const stage = (id: string, stageState: string) => ({
    id,
    name: id,
    state: { id: stageState },
    firstActionDateTime: started,
    lastActionDateTime: last,
  });
  return {
    id: row.id,
    links: {
      self: { path: `${LIFECYCLE_OPERATIONS}/${row.id}` },
      environment: { path: `/providers/Microsoft.BusinessAppPlatform/environments/${row.id}` },
    },
    type: { id: 'Create' },
    typeDisplayName: 'Create',
    state: { id: state },
    createdDateTime: started,
    lastActionDateTime: last,
    // The emulator does not know who asked: it reports a user [inferred].
    requestedBy: { id: row.tenant_id, displayName: 'Admin', type: 'User', tenantId: row.tenant_id },
    stages: [
      stage('Validate', 'Succeeded'),
      stage('Prepare', 'Succeeded'),
      stage('Run', state === 'Running' ? 'Running' : state),
    ],
  };
}

/** A stable GUID-shaped id for a name (package and application ids are GUIDs in the real catalog). */
function packageId(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function toBapEnvironment(
  row: PowerPlatformEnvironmentRow,
  service: PowerPlatformService,
): Record<string, unknown> {
  const url = `${service.orgUrl(row.org)}/`;
  return {
    id: `/providers/Microsoft.BusinessAppPlatform/environments/${row.id}`,
    type: 'Microsoft.BusinessAppPlatform/scopes/environments',
    location: 'unitedstates',
    name: row.id,
    properties: {
      tenantId: row.tenant_id,
      azureRegion: 'westus',
      displayName: row.display_name,
      createdTime: new Date(row.created_at).toISOString(),
      environmentSku: 'Sandbox',
      provisioningState: row.state,
      states: { management: { id: row.state === 'Succeeded' ? 'Ready' : 'NotReady' } },
      databaseType: 'CommonDataService',
      linkedEnvironmentMetadata: {
        type: 'Dynamics365Instance',
        resourceId: row.id,
        friendlyName: row.display_name,
        uniqueName: row.org,
        domainName: row.org,
        version: DATAVERSE_SOLUTION_VERSION,
        instanceUrl: url,
        instanceApiUrl: url,
        baseLanguage: 1033,
        instanceState: row.state === 'Succeeded' ? 'Ready' : 'NotReady',
        createdTime: new Date(row.created_at).toISOString(),
      },
    },
  };
}
