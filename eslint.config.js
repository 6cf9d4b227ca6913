// ESLint (typescript-eslint): the recommended rules, and the rules that keep the layers and the
// tests the way issue 10 left them. `npm test` runs it (npm run lint).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const upperLayers = {
  group: ['**/cli/*', '**/commands/*'],
  message: 'only src/commands and src/cli import from src/cli or src/commands: library errors are in src/errors.ts',
};

// HTTP goes through undici (src/models/download/http-request.ts)
const rawNetwork = ['node:http', 'node:https', 'node:net', 'node:tls', 'http', 'https', 'net', 'tls'].map((name) => ({
  name,
  message: 'use undici (src/models/download/http-request.ts) for HTTP, not Node\'s network modules',
}));

// oclif's index loads all of oclif and semver (about 60 more CommonJS files, 30-50 ms before a
// command starts): the commands import the parts they use
const oclifIndex = {
  name: '@oclif/core',
  message: "import oclif's parts by subpath (@oclif/core/command, /flags, /args, /errors): its index loads 60 more files at every start",
};

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', 'native/**', 'bench/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/cli/**/*.ts', 'src/commands/**/*.ts'],
    rules: {'no-restricted-imports': ['error', {paths: [...rawNetwork, oclifIndex]}]},
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/commands/**'],
    rules: {'no-restricted-imports': ['error', {paths: rawNetwork, patterns: [upperLayers]}]},
  },
  {
    files: ['src/models/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {paths: rawNetwork, patterns: [upperLayers, {group: ['**/pipeline/*'], message: 'src/models imports nothing from src/pipeline'}]},
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Promise'] CallExpression[callee.name='setTimeout']",
          message: 'tests wait for events (test/support/wait.ts), never for a fixed time',
        },
      ],
    },
  },
);
