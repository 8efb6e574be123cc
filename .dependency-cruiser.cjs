/**
 * The import graph, checked by `npm run lint` (dependency-cruiser). Each library lists the libraries it may import;
 * anything else is an error. The picture of these arrows is in docs/architecture.md.
 *
 * Data flows ingest → correlate → incidents → realtime; the pure libraries (domain, city, contracts, correlation) sit at
 * the bottom and import no framework, database, broker or socket package.
 */
const LIBS = {
  domain: [],
  platform: [],
  city: ['domain', 'contracts'],
  contracts: ['domain'],
  correlation: ['domain', 'city'],
  storage: ['platform', 'domain', 'contracts'],
  queue: ['platform', 'domain', 'contracts'],
  auth: ['platform', 'domain', 'contracts', 'storage'],
  ingest: ['platform', 'domain', 'contracts', 'storage', 'queue'],
  incidents: ['platform', 'domain', 'city', 'contracts', 'storage', 'queue'],
  correlate: ['platform', 'domain', 'city', 'contracts', 'correlation', 'storage', 'queue', 'incidents'],
  realtime: ['platform', 'domain', 'city', 'contracts', 'storage', 'queue', 'auth', 'incidents'],
  api: ['platform', 'domain', 'city', 'contracts', 'correlation', 'storage', 'queue', 'incidents'],
  registry: ['platform', 'domain', 'city', 'contracts', 'storage', 'queue', 'broker-setup'],
  // The broker's configuration and bootstrap: plain Node, run by broker-init, the demo launcher and the tests.
  'broker-setup': ['domain', 'contracts'],
  // The integrators' pre-acceptance checker (npm run contract:check): the contract and an MQTT client, nothing of the server.
  conformance: ['domain', 'contracts'],
};
const PURE = ['domain', 'city', 'contracts', 'correlation'];
const TEST_FILE = '\\.(spec|int-spec|e2e-spec)\\.ts$';
const any = (names) => `(${names.join('|')})`;

const perLibrary = Object.entries(LIBS).map(([lib, allowed]) => ({
  name: `lib-${lib}-imports`,
  comment: `libs/${lib} may import only ${allowed.length ? allowed.join(', ') : 'no other library'}`,
  severity: 'error',
  from: { path: `^libs/${lib}/` },
  to: { path: '^libs/', pathNot: `^libs/${any([lib, ...allowed])}/` },
}));

module.exports = {
  forbidden: [
    ...perLibrary,
    {
      name: 'lib-through-its-index',
      comment:
        'another library is imported only through its entry point, as @ioc/<lib> (libs/<lib>/src/index.ts; the console aliases @ioc/<lib> to the browser-safe libs/<lib>/src/browser.ts)',
      severity: 'error',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/(?!(index|browser)\\.ts$)', pathNot: '^libs/$1/' },
    },
    {
      name: 'app-through-library-index',
      comment: 'apps, the simulator, benchmarks, scripts and tests import a library only through @ioc/<lib>',
      severity: 'error',
      from: { path: '^(apps|devices|bench|scripts|test)/' },
      to: { path: '^libs/[^/]+/src/(?!(index|browser)\\.ts$)' },
    },
    {
      name: 'libs-not-into-apps',
      comment: 'libraries never import the apps, the simulator, benchmarks or scripts',
      severity: 'error',
      from: { path: '^libs/', pathNot: TEST_FILE },
      to: { path: '^(apps|devices|bench|scripts|test)/' },
    },
    {
      name: 'lib-tests-only-test-support',
      comment:
        "a library's tests may use the shared test support (@ioc/testing); the engine's scenario tests also play the simulator (@ioc/devices)",
      severity: 'error',
      from: { path: `^libs/.*${TEST_FILE}` },
      to: { path: '^(apps|bench|scripts)/|^test/(?!support/)' },
    },
    {
      name: 'simulator-only-in-engine-tests',
      severity: 'error',
      from: { path: `^libs/`, pathNot: `^libs/correlation/src/.*${TEST_FILE}` },
      to: { path: '^devices/' },
    },
    {
      name: 'pure-libraries-stay-pure',
      comment: `${PURE.join(', ')} import no framework, database, broker, queue or socket package`,
      severity: 'error',
      from: { path: `^libs/${any(PURE)}/` },
      to: {
        dependencyTypes: ['npm', 'npm-dev'],
        path: '(^|/)node_modules/(@nestjs|pg|pg-copy-streams|mqtt|ioredis|bullmq|socket\\.io|@socket\\.io)/',
      },
    },
    {
      name: 'broker-setup-stays-plain-node',
      comment:
        'broker-setup runs before any server exists (broker-init, the demo launcher): no framework, database or broker client',
      severity: 'error',
      from: { path: '^libs/broker-setup/', pathNot: TEST_FILE },
      to: {
        dependencyTypes: ['npm', 'npm-dev'],
        path: '(^|/)node_modules/(@nestjs|pg|pg-copy-streams|mqtt|ioredis|bullmq|socket\\.io|@socket\\.io)/',
      },
    },
    {
      name: 'simulator-imports',
      comment:
        'the simulator uses the pure libraries and the platform, nothing of the server; only its --record adapter (devices/src/record.ts) also writes a recording through storage',
      severity: 'error',
      from: { path: '^devices/', pathNot: '^devices/src/record\\.ts$' },
      to: { path: '^libs/', pathNot: `^libs/${any(['domain', 'city', 'contracts', 'platform'])}/` },
    },
    {
      name: 'simulator-record-imports',
      comment: "the simulator's --record adapter adds storage, nothing else of the server",
      severity: 'error',
      from: { path: '^devices/src/record\\.ts$' },
      to: { path: '^libs/', pathNot: `^libs/${any(['domain', 'city', 'contracts', 'platform', 'storage'])}/` },
    },
    {
      name: 'console-imports',
      comment:
        "the browser console reaches only the browser-safe libraries (the socket.io contract, DTO types, domain, the city's geometry)",
      severity: 'error',
      from: { path: '^apps/console/' },
      to: { path: '^libs/', pathNot: `^libs/${any(['domain', 'city', 'contracts'])}/` },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      comment: 'no import cycles at run time (a cycle through type-only imports is harmless)',
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|data|test-output)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.json'],
    },
    skipAnalysisNotInRules: true,
  },
};
