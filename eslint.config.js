// Lint for the whole package. The n8n nodes and credentials (nodes/, credentials/) are linted with
// @n8n/node-cli's config in its variant without n8n Cloud rules (this package has runtime dependencies,
// which n8n Cloud forbids); everything else keeps the general rules below.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const { configWithoutCloudSupport: n8nConfig } = require('@n8n/node-cli/eslint');

const N8N_FILES = ['nodes/**/*.ts', 'credentials/**/*.ts'];

/** The n8n config, limited to the n8n files (its own blocks would otherwise apply to every .ts and package.json). */
const n8nBlocks = n8nConfig
  .filter((block) => !(block.files && block.files.some((f) => String(f).includes('package.json'))))
  .map((block) => {
    if (block.ignores && !block.files && !block.rules && !block.plugins) return block; // global ignores
    const files = block.files
      ? block.files.map((f) => String(f).replace(/^\.\//, '')).filter((f) => f.startsWith('nodes/') || f.startsWith('credentials/'))
      : [];
    return { ...block, files: files.length > 0 ? files : N8N_FILES };
  });

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  {
    ...js.configs.recommended,
    ignores: N8N_FILES,
  },
  ...tseslint.configs.recommended.map((block) => ({ ...block, ignores: [...(block.ignores ?? []), ...N8N_FILES] })),
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The Node-RED editor scripts run in the browser; the build fills in their __PLACEHOLDER__ identifiers.
    files: ['node-red/editor/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        RED: 'readonly', $: 'readonly', location: 'readonly', window: 'readonly',
        __ACTIONS__: 'readonly', __SLOTS__: 'readonly', __FALLBACK__: 'readonly', __DEFAULTS__: 'readonly',
        __BASE_URL__: 'readonly', __REQUESTS_PER_SECOND__: 'readonly', __TIMEOUT__: 'readonly', __PARALLEL_REQUESTS__: 'readonly',
      },
    },
  },
  {
    ignores: N8N_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...n8nBlocks,
  {
    files: N8N_FILES,
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
