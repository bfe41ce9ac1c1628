/** One jest run: unit specs next to the code (libs/**), e2e suites under test/. */
const aliases = Object.fromEntries(
  ['config', 'core', 'persistence', 'platform', 'admin-api', 'channels', 'postbacks'].flatMap((lib) => [
    [`^@gatehouse/${lib}$`, `<rootDir>/libs/${lib}/src`],
    [`^@gatehouse/${lib}/(.*)$`, `<rootDir>/libs/${lib}/src/$1`],
  ]),
);

module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: aliases,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  maxWorkers: 2,
  testTimeout: 30000,
};
