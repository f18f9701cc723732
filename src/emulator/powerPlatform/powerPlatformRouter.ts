import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { ConflictError } from '../lcs/lifecycleService';
import { PROVISIONING_APP } from '../microsoft/unifiedEnvironments';
import {
  isErpTemplate,
  parseProvisioningParameters,
  Refusal,
  type UnifiedEnvironments,
} from './unifiedEnvironments';
import { sendJsonError } from '../shell/httpShell';
import { type PowerPlatformEnvironmentRow, type PowerPlatformService } from './powerPlatformService';
import {
  LIFECYCLE_OPERATIONS,
  packageId,
  toBapEnvironment,
  toLifecycleOperation,
  toOperation,
  toPackageInstance,
} from './powerPlatformShapes';

// Power Platform APIs in their real shapes (docs/dynamics-apis.md, "Power Platform"): the BAP admin
// environments API (mounted at `/bap`, like `https://api.bap.microsoft.com`; create answers 202 and a
// `Location` of a lifecycle operation, as terraform-provider-power-platform follows it) and application
// packages (mounted at `/powerplatform`, like `https://api.powerplatform.com`; shapes from
// programmability-tutorial-install-application-environment.md).
const ENVIRONMENTS = '/providers/Microsoft.BusinessAppPlatform/scopes/admin/environments';

const createSchema = z.object({
  // A location code (unified-environment-types-and-templates.md lists those of F&O) [inferred: pattern].
  location: z
    .string()
    .regex(/^[a-z]+$/, 'location is a location code such as unitedstates or europe.')
    .default('unitedstates'),
  properties: z.object({
    displayName: z
      .string()
      .trim()
      .regex(/^[A-Za-z][A-Za-z0-9-]{2,39}$/, 'Use 3-40 letters, digits and hyphens, starting with a letter.'),
    environmentSku: z.enum(['Sandbox', 'Production', 'Trial', 'Developer']).default('Sandbox'),
    databaseType: z.string().optional(),
    linkedEnvironmentMetadata: z
      .object({
        templates: z.array(z.string()).default([]),
        domainName: z.string().optional(),
        // The ERP templates' options (CREATE): {PostProvisioningPackages:[{applicationUniqueName, parameters}]}.
        templateMetadata: z
          .object({
            PostProvisioningPackages: z
              .array(z.object({ applicationUniqueName: z.string(), parameters: z.string().optional() }))
              .default([]),
          })
          .optional(),
      })
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

export function bapRouter(service: PowerPlatformService, unified: UnifiedEnvironments): Router {
  const router = express.Router();

  router.get(ENVIRONMENTS, (req, res) => {
    if (!requireApiVersion(req, res)) return;
    res.json({ value: service.list().map((row) => toBapEnvironment(row, service, unified)) });
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
    res.json(toBapEnvironment(row, service, unified));
  });

  // Creation is asynchronous: 202 with the environment in `Creating` and a Location to poll.
  const create = (req: Request, res: Response) => {
    if (!requireApiVersion(req, res)) return;
    const parsed = createSchema.safeParse(req.body);
    if (!parsed.success)
      return sendJsonError(res, 400, 'InvalidRequestContent', parsed.error.issues[0].message);
    const templates = parsed.data.properties.linkedEnvironmentMetadata?.templates ?? [];
    try {
      const { displayName, environmentSku } = parsed.data.properties;
      const erp = templates.find(isErpTemplate);
      const provisioning =
        parsed.data.properties.linkedEnvironmentMetadata?.templateMetadata?.PostProvisioningPackages.find(
          (pkg) => pkg.applicationUniqueName === PROVISIONING_APP,
        );
      const row = erp
        ? unified.create(
            displayName,
            erp,
            environmentSku,
            parseProvisioningParameters(provisioning?.parameters),
            parsed.data.location,
          )
        : service.createEnvironment(displayName, templates.length > 0, environmentSku, parsed.data.location);
      const location = `${req.protocol}://${req.get('host')}${req.baseUrl}${LIFECYCLE_OPERATIONS}/${row.id}?api-version=${req.query['api-version']}`;
      res
        .status(202)
        .set('Location', location)
        .set('Retry-After', service.retryAfter(row.ready_at))
        .json(toLifecycleOperation(row));
    } catch (error) {
      if (error instanceof ConflictError)
        return sendJsonError(res, 409, 'EnvironmentNameAlreadyExists', error.message);
      if (error instanceof Refusal) return sendJsonError(res, error.status, error.code, error.message);
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
    if (row.state === 'Creating') res.set('Retry-After', service.retryAfter(row.ready_at));
    res.json(toLifecycleOperation(row));
  });

  router.post('/providers/Microsoft.BusinessAppPlatform/environments', express.json(), create);
  router.post(ENVIRONMENTS, express.json(), create);

  return router;
}

export function applicationPackagesRouter(
  service: PowerPlatformService,
  unified: UnifiedEnvironments,
): Router {
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
      value: service.offeredPackages().map((pkg) => ({
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

  router.post(`${base}/applicationPackages/:uniqueName/install`, express.json(), (req, res) => {
    const env = environment(req, res);
    if (!env) return;
    const pkg = service.offeredPackages().find((p) => p.uniqueName === req.params.uniqueName);
    if (!pkg)
      return sendJsonError(
        res,
        404,
        'ApplicationPackageNotFound',
        `Package ${req.params.uniqueName} was not found.`,
      );
    if (pkg.uniqueName === PROVISIONING_APP) {
      // Its options (developer tools, demo data) as the template metadata spells them [inferred:
      // the install API's parameter field is not documented].
      const parameters = z.object({ parameters: z.string().max(200).optional() }).safeParse(req.body ?? {});
      if (!parameters.success)
        return sendJsonError(res, 400, 'InvalidRequestContent', 'parameters must be a string.');
      try {
        unified.installInto(env, parseProvisioningParameters(parameters.data.parameters));
      } catch (error) {
        if (error instanceof Refusal) return sendJsonError(res, error.status, error.code, error.message);
        throw error;
      }
    }
    const op = service.install(env, pkg);
    const operationUrl = `${req.protocol}://${req.get('host')}${req.baseUrl}/appmanagement/environments/${env.id}/operations/${op.id}?api-version=${req.query['api-version']}`;
    res
      .status(202)
      .set('Operation-Location', operationUrl)
      .set('Retry-After', service.retryAfter(op.ready_at))
      .json(toPackageInstance(op, pkg));
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
    // While it runs the answer says when to look again [inferred: the header is the convention of
    // the Power Platform's long operations; the install tutorial only says "poll every so often"].
    if (op.status === 'Running') res.set('Retry-After', service.retryAfter(op.ready_at));
    res.json(toOperation(op));
  });

  return router;
}
