/** Test tiers by suffix: *.spec.ts (pure), *.int-spec.ts (real PostgreSQL/Redis/Mosquitto, embedded TimescaleDB), test/*.e2e-spec.ts (whole system). */
const swc = ['@swc/jest', require('./test/support/swc-options')];
const moduleNameMapper = {
  '^@ioc/testing$': '<rootDir>/test/support',
  '^@ioc/testing/escalation$': '<rootDir>/test/support/escalation/escalation-stack',
  '^@ioc/devices$': '<rootDir>/devices/src',
  '^@ioc/(.*)$': '<rootDir>/libs/$1/src',
};
const base = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  testTimeout: 300000,
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/{apps,libs,devices}/**/*.spec.ts',
        '<rootDir>/test/support/**/*.spec.ts',
        '<rootDir>/test/*.spec.ts',
      ],
    },
    { ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs,devices}/**/*.int-spec.ts'] },
    { ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
