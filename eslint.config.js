import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'bench/results'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
  },
  {
    files: ['src/**/*.tsx', 'src/store/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The engine runs in the browser, in a worker and in Node: no React, store, charts or DOM.
    files: ['src/engine/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['react', 'react-dom', 'react-dom/*', 'react/*'], message: 'src/engine must not import React.' },
            { group: ['zustand', 'zustand/*'], message: 'src/engine must not import the store library.' },
            {
              group: ['recharts', 'recharts/*', 'd3-*', 'katex', 'katex/*'],
              message: 'src/engine must not import chart or rendering libraries.',
            },
            {
              group: ['**/store/**', '**/ui/**', '**/worker/**', '**/cli/**'],
              message: 'Dependencies flow ui → store → worker → engine, never back.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        'document',
        'window',
        'localStorage',
        'HTMLElement',
        'HTMLCanvasElement',
        'requestAnimationFrame',
      ],
    },
  },
);
