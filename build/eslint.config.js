// Lint with layer rules (DESIGN.md "Layer rules"): only main/electron/ and the Electron entry import
// 'electron'; the renderer imports nothing from main/ or Node; the contract imports nothing at all.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'child_process', 'net', 'http', 'https', 'os', 'crypto', 'stream', 'worker_threads', 'zlib', 'tls', 'url', 'util', 'events'];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', '.svelte-check/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.property.name='openExternal']", message: 'shell.openExternal is not used by Slicewise.' },
        { selector: "CallExpression[callee.property.name='loadFile']", message: 'Load the renderer from app://, never file:// (checklist item 18).' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parser: svelteParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
      globals: { ...globals.browser },
    },
    rules: { 'svelte/no-at-html-tags': 'error' },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**', 'main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: "Only main/electron/ and main/index.ts may import 'electron'." }], patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports the renderer.' }] }],
    },
  },
  {
    files: ['main/electron/**/*.ts', 'main/index.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports the renderer.' }] }],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/ipc-bridge.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'ipcMain', property: 'handle', message: 'Only main/electron/ipc-bridge.ts registers IPC handlers.' }, { object: 'ipcMain', property: 'on', message: 'Only main/electron/ipc-bridge.ts registers IPC handlers.' }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: [{ group: nodeBuiltins, message: 'The renderer has no Node.' }, { group: ['**/main/**'], message: 'The renderer knows only preload/contract/.' }] }],
    },
  },
  {
    files: ['preload/contract/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./)', message: 'The contract imports nothing outside preload/contract/.' }] }],
    },
  },
  {
    files: ['preload/contract/*/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./|\\.\\./[^.])', message: 'The contract imports nothing outside preload/contract/.' }] }],
    },
  },
  {
    files: ['preload/index.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/main/**', '**/renderer/**', ...nodeBuiltins], message: 'The preload may import only electron and the contract.' }] }],
    },
  },
);
