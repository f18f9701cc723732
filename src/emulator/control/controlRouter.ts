import express, { type Router } from 'express';
import { z } from 'zod';
import type { DataverseSettings } from '../dataverse/dataverseSettings';
import type { DataverseStats } from '../dataverse/dataverseRouter';
import type { GatewayService } from '../dualWrite/gatewayService';
import type { CallerLog } from '../entra/callerLog';
import type { LifecycleService } from '../lcs/lifecycleService';
import type { PowerPlatformService } from '../powerPlatform/powerPlatformService';
import { DOCUMENTED_FAILURES, type DocumentedFailureName } from '../microsoft/documentedFailures';
import { applySettingsPatch, settingsPatchSchema } from '../settings';
import type { EmulatorContext } from '../shell/emulatorContext';
import type { FaultCounters } from '../shell/httpShell';
import { sendJsonError } from '../shell/httpShell';

/**
 * The control API under `/_emulator/` (no token needed; loopback only): health, a state snapshot for
 * tests and demos, live settings, the documented failures by name, the effects log, an immediate tick
 * and a reset to the seed data (shell/seed.ts).
 */
export interface ControlDeps {
  ctx: EmulatorContext;
  lifecycle: LifecycleService;
  powerPlatform: PowerPlatformService;
  gateway: GatewayService;
  faults: FaultCounters;
  dataverseSettings: DataverseSettings;
  dataverseStats: DataverseStats;
  /** Who called LCS and the gateway (entra/callerLog.ts). */
  callers: CallerLog;
  tick(): void;
  reset(): void;
}

const dataversePatchSchema = z
  .object({
    roundTripMs: z.number().min(0),
    executionMsPerOperation: z.number().min(0),
    windowMs: z.number().positive(),
    maxRequestsPerWindow: z.number().int().positive(),
    maxExecutionMsPerWindow: z.number().positive(),
    maxConcurrentRequests: z.number().int().positive(),
    dopHint: z.number().int().positive(),
    errorRate: z.number().min(0).max(1),
    throttleBurst: z.number().int().min(0),
    throttleRetryAfterSeconds: z.number().min(0),
    hangRate: z.number().min(0).max(1),
    hangMs: z.number().min(0),
    addedLatencyMs: z.number().min(0),
  })
  .partial()
  .strict();

const switchSchema = z.object({ on: z.boolean() }).strict();

const putSchema = settingsPatchSchema.extend({ dataverse: dataversePatchSchema.optional() }).strict();

export function controlRouter(deps: ControlDeps): Router {
  const router = express.Router();
  router.use(express.json());

  router.get('/health', (_req, res) => res.json({ status: 'ok' }));

  router.get('/state', (_req, res) => res.json(snapshot(deps)));

  router.get('/effects', (req, res) => {
    res.json({
      value: deps.ctx.effects.list(typeof req.query.kind === 'string' ? req.query.kind : undefined),
    });
  });

  router.get('/settings', (_req, res) =>
    res.json({ ...deps.ctx.settings, dataverse: publicDataverse(deps.dataverseSettings) }),
  );

  router.put('/settings', (req, res) => {
    const parsed = putSchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return sendJsonError(
        res,
        400,
        'InvalidSettings',
        `${issue.path.join('.') || 'settings'}: ${issue.message}`,
      );
    }
    const { dataverse, ...patch } = parsed.data;
    applySettingsPatch(deps.ctx.settings, patch);
    if (patch.timeScale !== undefined) deps.dataverseSettings.timeScale = patch.timeScale;
    if (dataverse) Object.assign(deps.dataverseSettings, dataverse);
    res.json({ ...deps.ctx.settings, dataverse: publicDataverse(deps.dataverseSettings) });
  });

  // The documented failures (microsoft/documentedFailures.ts): which exist, which are on; one switched
  // on makes its service answer with the documented status and text.
  router.get('/failures', (_req, res) => res.json({ value: documentedFailures(deps) }));

  router.put('/failures/:name', (req, res) => {
    const failure = DOCUMENTED_FAILURES.find((f) => f.name === req.params.name);
    if (!failure)
      return sendJsonError(res, 404, 'UnknownFailure', `No documented failure is named ${req.params.name}.`);
    const parsed = switchSchema.safeParse(req.body);
    if (!parsed.success)
      return sendJsonError(res, 400, 'InvalidSettings', 'Send {"on": true} or {"on": false}.');
    const others = deps.ctx.settings.failures.documented.filter((name) => name !== failure.name);
    deps.ctx.settings.failures.documented = parsed.data.on
      ? [...others, failure.name as DocumentedFailureName]
      : others;
    res.json({ value: documentedFailures(deps) });
  });

  router.post('/tick', (_req, res) => {
    deps.tick();
    res.json(snapshot(deps));
  });

  router.post('/reset', (_req, res) => {
    deps.reset();
    res.json(snapshot(deps));
  });

  return router;
}

function documentedFailures(deps: ControlDeps) {
  const on = new Set<string>(deps.ctx.settings.failures.documented);
  return DOCUMENTED_FAILURES.map((failure) => ({ ...failure, on: on.has(failure.name) }));
}

function publicDataverse(settings: DataverseSettings): Omit<DataverseSettings, 'random'> {
  const { random: _random, ...rest } = settings;
  return rest;
}

export function snapshot(deps: ControlDeps): Record<string, unknown> {
  const { ctx } = deps;
  const lcs = deps.lifecycle.list();
  return {
    settings: ctx.settings,
    financeOps: lcs.map((env) => ({
      id: env.id,
      name: env.name,
      url: deps.lifecycle.financeOpsUrl(env.name),
      state: env.state,
      demoData: env.demo_data === 1,
      platformVersion: env.platform_version,
      failureReason: env.failure_reason ?? undefined,
      legalEntities: env.state === 'Deployed' ? ctx.financeOps.legalEntityIds(env.name) : [],
    })),
    dataverse: deps.powerPlatform.list().map((env) => ({
      id: env.id,
      name: env.display_name,
      org: env.org,
      url: deps.powerPlatform.orgUrl(env.org),
      state: env.state,
      solutions: [...deps.powerPlatform.installedSolutions(env.org)].sort(),
    })),
    connections: deps.gateway.connections().map((conn) => ({
      id: conn.id,
      financeOps: conn.fo_env,
      dataverse: conn.dv_org,
      legalEntities: deps.gateway.legalEntities(conn.id),
      solutionApplied: conn.solution_applied === 1,
      // The user whose token linked (dualWrite/linkOwner.ts): the only one who may add maps.
      linkedBy: conn.linked_by ?? undefined,
      maps: deps.gateway.maps(conn.id).map((map) => ({
        name: map.name,
        state: map.state,
        lastError: map.last_error ?? undefined,
      })),
    })),
    effects: ctx.effects.counts(),
    faults: deps.faults,
    dataverseStats: deps.dataverseStats,
    callers: deps.callers.snapshot(),
  };
}
