// ESLint (flat config; a dotfile because the project's top level is fixed: `npm run lint` passes it with -c).
// typescript-eslint's recommended rules, plus the layering the architecture relies on:
//   - src/domain is pure: it imports only itself and dayjs (no platform, modules, db, node: built-ins);
//   - src/platform is the framework under the modules: it never imports a module;
//   - src/console runs in the browser: it talks to the service only through /v1, never imports server code.
import js from '@eslint/js'
import stylistic from '@stylistic/eslint-plugin'
import tseslint from 'typescript-eslint'

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
})

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.tap/**',
      'openapi/**',
      'src/console/api/schema.d.ts',
      'src/db/migrations/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@stylistic': stylistic },
    rules: {
      // Prettier wraps code at 120; what it cannot wrap (strings, comments, SQL) is wrapped by hand below 140.
      '@stylistic/max-len': ['error', { code: 139, tabWidth: 2, ignoreUrls: true }],
      // `_`-prefixed names are deliberately unused (a destructured field left out, a required callback parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'off',
    },
  },
  layer(
    ['src/domain/**/*.ts'],
    [
      {
        group: ['**/platform/**', '**/modules/**', '**/db/**', '**/console/**'],
        message: 'src/domain is pure: compute, do not reach the framework, the database or other modules.',
      },
      {
        group: ['node:*', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*', 'fastify', 'fastify/*', '@fastify/*'],
        message: 'src/domain is pure: no I/O and no framework.',
      },
    ],
  ),
  layer(
    ['src/platform/**/*.ts'],
    [
      {
        group: ['**/modules/**'],
        message: 'src/platform sits under the modules: a module may import the platform, never the reverse.',
      },
    ],
  ),
  layer(
    ['src/console/**/*.ts', 'src/console/**/*.tsx'],
    [
      {
        group: ['**/platform/**', '**/modules/**', '**/db/**', 'better-sqlite3', 'fastify'],
        message: 'the console is a client of /v1 only: server code is not bundled into the browser.',
      },
    ],
  ),
)
