import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The engine modules that load tfjs, directly or through another engine module's value imports: the
 * page (ui, store, labs) may import only their types, so that it paints without tfjs (the engine loads
 * in the worker). pageBundle.test.ts checks the same on the bundle.
 */
function engineTfModules() {
  const root = 'src/engine';
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, e.name);
      if (e.isDirectory()) walk(path);
      else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) files.push(path);
    }
  };
  walk(root);
  const imports = new Map(
    files.map((f) => {
      const text = readFileSync(f, 'utf8');
      const values = [...text.matchAll(/^import (?!type )[^;]*?from '([^']+)';/gms)].map((m) => m[1]);
      return [f, values];
    }),
  );
  const tf = new Set(files.filter((f) => imports.get(f).some((i) => i.startsWith('@tensorflow/'))));
  for (let grew = true; grew;) {
    grew = false;
    for (const f of files) {
      if (tf.has(f)) continue;
      const local = imports
        .get(f)
        .filter((i) => i.startsWith('.'))
        .map((i) => `${resolve(dirname(f), i)}.ts`);
      if (local.some((l) => tf.has(relative(process.cwd(), l)))) {
        tf.add(f);
        grew = true;
      }
    }
  }
  return [...tf].map((f) => `**/engine/${relative(root, f).replace(/\.ts$/, '')}`);
}

export default tseslint.config(
  { ignores: ['dist', 'dist-cli', 'node_modules', 'test-results', 'playwright-report', 'bench/results'] },
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
              group: ['**/store/**', '**/ui/**', '**/worker/**', '**/cli/**', '**/labs/**'],
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
  {
    // the page paints without tfjs: it takes only types from the engine modules that load it
    files: ['src/ui/**/*.{ts,tsx}', 'src/store/**/*.ts', 'src/labs/**/*.ts', 'src/main.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: engineTfModules(),
              allowTypeImports: true,
              message:
                'This engine module loads tfjs: the page may import only its types (the engine runs in the worker).',
            },
          ],
        },
      ],
    },
  },
  {
    // a lab's page shares pieces through ui/controls and ui/charts, never through another lab's page
    files: ['src/ui/*/**/*.{ts,tsx}'],
    ignores: ['src/ui/controls/**', 'src/ui/charts/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../surface/*', '../train/*', '../search/*', '../compress/*'],
              message: 'Labs share UI through ui/controls and ui/charts.',
            },
          ],
        },
      ],
    },
  },
);
