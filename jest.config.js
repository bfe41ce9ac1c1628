/** One jest run: unit specs next to the code (libs/**), e2e suites under test/. */
const aliases = Object.fromEntries(
  ['config', 'core', 'coordination', 'persistence', 'platform', 'admin-api', 'channels', 'postbacks'].flatMap((lib) => [
    [`^@gatehouse/${lib}$`, `<rootDir>/libs/${lib}/src`],
    [`^@gatehouse/${lib}/(.*)$`, `<rootDir>/libs/${lib}/src/$1`],
  ]),
);

const { esmOnlyPackages } = require('./test/support/esm-only-packages');

/** ES-module-only packages (NestJS 12 and what it loads) that jest must see as CommonJS. */
const ESM_ONLY = esmOnlyPackages(`${__dirname}/node_modules`).map((name) => name.replace(/[.+]/g, '\\$&'));

module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    '^.+\\.js$': ['babel-jest', { configFile: require.resolve('./babel.esm.config.js') }],
  },
  // Skip node_modules, except where the innermost node_modules segment holds an ES-module-only package.
  transformIgnorePatterns: [`/node_modules/(?!.*/node_modules/)(?!(?:${ESM_ONLY.join('|')})/)`],
  moduleNameMapper: aliases,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  maxWorkers: 2,
  testTimeout: 30000,
};
