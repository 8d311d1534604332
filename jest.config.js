// Nest 12 and a few of its dependencies ship ESM only; Jest runs CommonJS, so those
// packages are transformed by swc like our own sources.
const esmPackages = [
  '@nestjs',
  'file-type',
  'strtok3',
  'token-types',
  '@tokenizer',
  '@borewit',
  'uint8array-extras',
  'fast-check',
  'content-disposition',
  'cookie',
  'set-cookie-parser',
  'toad-cache',
  'glob',
  'minimatch',
  'path-scurry',
  'lru-cache',
  'minipass',
  'balanced-match',
  'brace-expansion',
  '@isaacs',
  'jackspeak',
  'foreground-child',
  'package-json-from-dist',
  '@octokit',
];

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];

const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleNameMapper: {
    '^@triggerline/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    // ESM only, exported for `import` alone: mapped to its file, which swc turns into CommonJS.
    '^@octokit/webhooks-methods$':
      '<rootDir>/node_modules/@octokit/webhooks-methods/dist-node/index.js',
  },
  testEnvironment: 'node',
  testEnvironmentOptions: { globalsCleanup: 'off' },
  setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/api/src/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      // Tests that need a server get TEST_DATABASE_URL's, or a throwaway one for the run.
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      // The medium tier (stores and engine against PostgreSQL, no HTTP) runs with the e2e files.
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts', '<rootDir>/test/medium/**/*.medium-spec.ts'],
    },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
    },
  ],
};
