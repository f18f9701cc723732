// The layering rules of docs/architecture.md, checked by `npm run lint` (depcruise). The arrow only
// points down: bot -> engine -> (ports) <- platform / store; the emulator is a model of Microsoft and
// knows none of our code.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'An import cycle means two modules are one concept or a layer points up.',
      from: { path: '^src' },
      to: { circular: true },
    },
    {
      name: 'engine-stays-pure',
      severity: 'error',
      comment: 'The engine declares ports; it imports nothing from the Teams layer, clients, stores or the emulator.',
      from: { path: '^src/engine' },
      to: { path: '^src/(bot|platform|store|emulator|playground|composition|doctor|config)/|^src/(index|config)\\.ts$' },
    },
    {
      name: 'emulator-models-microsoft-not-us',
      severity: 'error',
      comment: 'The emulator is written from Microsoft documentation, not from our engine or clients.',
      from: { path: '^src/emulator' },
      to: { path: '^src/(engine|platform|bot)/' },
    },
    {
      name: 'platform-implements-ports-only',
      severity: 'error',
      comment: 'Clients implement the engine ports (ports.ts, with the model types, and the request guard each request asks); nothing else of the engine, no bot, store or emulator.',
      from: { path: '^src/platform' },
      to: {
        path: '^src/(engine|bot|store|emulator|playground)/',
        pathNot: '^src/engine/(ports|model|requestGuardPort)\\.ts$',
      },
    },
    {
      name: 'store-implements-ports-only',
      severity: 'error',
      comment: 'Stores implement the RunStore and lease ports (runStorePort.ts, runLeasePort.ts, with the model types); nothing else of the engine, no bot, platform or emulator.',
      from: { path: '^src/store' },
      to: {
        path: '^src/(engine|bot|platform|emulator|playground)/',
        pathNot: '^src/engine/(runStorePort|runLeasePort|model)\\.ts$',
      },
    },
    {
      name: 'bot-talks-to-the-engine-api',
      severity: 'error',
      comment: 'The Teams layer reaches Dynamics only through the engine; it never calls a client or the emulator, and is wired by the composition root, never the other way.',
      from: { path: '^src/bot' },
      to: { path: '^src/(platform|emulator|composition|doctor|playground)/|^src/index\\.ts$' },
    },
    {
      name: 'bot-sees-the-engine-through-engine-api',
      severity: 'error',
      comment: 'The Teams layer sees the engine only through EngineApi and what engineApi.ts exports (types, schemas, display facts, the clock), so a card never re-derives an engine rule.',
      from: { path: '^src/bot' },
      to: { path: '^src/engine/', pathNot: '^src/engine/engineApi\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules|data|artifacts|coverage)/' },
  },
};
