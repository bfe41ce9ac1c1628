/**
 * Shared unit-test helpers (jest mocks and assertions). For specs only: this folder is left out
 * of the build (tsconfig.build.json) and lint refuses imports of it from production code.
 */
export * from './expect-domain-error';
export * from './fakes';
export * from './repository-mocks';
