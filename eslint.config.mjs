// Type-aware lint: floating promises, exhaustive switches and unsafe `any` are errors.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layering: what a library may import. Each entry is a regex on the import specifier and a
 * message naming the layer rule it breaks. Flat config does not merge a rule's options across
 * blocks (the last matching block wins), so every block below lists all the entries for its files.
 */
const anyOf = (...modules) => `^(?:${modules.join('|')})(?:/|$)`;

const NO_APPS_OR_TEST = {
  regex: '^(?:\\.\\./)*(?:apps|test)(?:/|$)',
  message:
    'libs/* may not import from apps/ or test/: the server and the e2e suites build on the libraries, not the reverse.',
};
// Otherwise `../../../persistence/src/…` would walk past the rules below, which see only aliases.
const NO_RELATIVE_CROSS_LIB = {
  regex:
    '^(?:\\.\\./)+(?:libs/)?(?:config|core|coordination|persistence|platform|admin-api|channels|postbacks)/src(?:/|$)',
  message: 'import another library by its @gatehouse/<name> alias, not by a relative path into its src/.',
};
const NO_TEST_HELPERS = {
  regex: '^(?:@gatehouse/core/testing|libs/core/src/testing|(?:\\.\\.?/)+(?:[^/]+/)*testing)(?:/|$)',
  message: 'libs/core/src/testing holds jest helpers and is left out of the build: only *.spec.ts files may import it.',
};
const CORE_STAYS_INSIDE = {
  regex: anyOf(
    '@gatehouse/(?:persistence|platform|channels|admin-api|postbacks)',
    'express',
    'fastify',
    '@fastify/[^/]+',
    '@nestjs/platform-[^/]+',
    '@nestjs/typeorm',
    'typeorm',
    'mysql2',
    'better-sqlite3',
    'ioredis',
    'ftp-srv',
    'ssh2',
    'smtp-server',
    'soap',
  ),
  message:
    'libs/core is the domain layer: it may not depend on persistence, platform, channels, admin-api or postbacks, ' +
    'nor on an HTTP framework, database driver, Redis client or protocol server. Declare a port (interface + token) ' +
    'in core and implement it in the outer library.',
};
const CORE_WITHOUT_COORDINATION = {
  regex: anyOf('@gatehouse/coordination'),
  message:
    "libs/core may not depend on @gatehouse/coordination, which implements core's ports; only core specs may use its in-memory fakes.",
};
const CHANNELS_WITHOUT_DATABASE = {
  regex: anyOf('@gatehouse/persistence', '@nestjs/typeorm', 'typeorm', 'mysql2', 'better-sqlite3'),
  message:
    'libs/channels (protocol adapters) may not depend on persistence or a database driver: go through core services and repository interfaces.',
};

const LIB = [NO_APPS_OR_TEST, NO_RELATIVE_CROSS_LIB];
const CORE_TESTS = ['libs/core/src/**/*.spec.ts', 'libs/core/src/testing/**/*.ts'];

/** The same entries for the import forms no-restricted-imports does not see. */
function otherImportForms(entries) {
  return entries.flatMap(({ regex, message }) => {
    const re = `/${regex.replaceAll('/', '\\x2F')}/i`; // an esquery regex cannot contain a slash
    return [
      `ImportExpression[source.value=${re}]`, // import('x')
      `TSImportType[argument.literal.value=${re}]`, // type T = import('x').T
      `CallExpression[callee.name="require"][arguments.0.value=${re}]`, // require('x')
    ].map((selector) => ({ selector, message }));
  });
}

function layer(files, entries) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: entries }],
      'no-restricted-syntax': ['error', ...otherImportForms(entries)],
    },
  };
}

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'data/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      // Generated from docs/openapi.json by `npm run openapi`.
      'apps/console/src/api/schema.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // Tests read loosely-typed JSON bodies from supertest.
    files: ['test/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  // Layering: the last matching block wins, so a lib's specs come after its code, core and channels after libs/*.
  layer(['libs/*/src/**/*.ts'], [...LIB, NO_TEST_HELPERS]),
  layer(['libs/*/src/**/*.spec.ts'], LIB),
  layer(['libs/core/src/**/*.ts'], [...LIB, NO_TEST_HELPERS, CORE_STAYS_INSIDE, CORE_WITHOUT_COORDINATION]),
  layer(CORE_TESTS, [...LIB, CORE_STAYS_INSIDE]),
  layer(['libs/channels/src/**/*.ts'], [...LIB, NO_TEST_HELPERS, CHANNELS_WITHOUT_DATABASE]),
  layer(['libs/channels/src/**/*.spec.ts'], [...LIB, CHANNELS_WITHOUT_DATABASE]),
  { ...layer(['apps/**/*.ts'], [NO_TEST_HELPERS]), ignores: ['**/*.spec.ts'] },
  {
    // The web console runs in the browser (its own tsconfig, DOM libs): React's hook rules on top
    // of everything above, and it may not reach into the server's code.
    files: ['apps/console/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'react-hooks/exhaustive-deps': 'error',
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?:@gatehouse/|(?:\\.\\./)+(?:libs|test|apps/(?!console)))',
              message: 'The console talks to the server only through the admin API (src/api), never its code.',
            },
          ],
        },
      ],
    },
  },
  prettier,
);
