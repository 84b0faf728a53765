/**
 * The page must paint without tfjs: the engine (tfjs, its kernels, the data sets) loads in the worker,
 * or on the page only when the worker cannot start (a dynamic import). This bundles the page's entry
 * with esbuild and follows its static imports; a UI or store module that imports a tensor module
 * (say, a constant from train.ts) fails here, with the chain that pulls tfjs in.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the page bundle', () => {
  it('reaches no tfjs package through static imports (the engine is loaded by the worker)', async () => {
    const r = await build({
      entryPoints: ['src/main.tsx'], bundle: true, write: false, metafile: true, format: 'esm', splitting: true, outdir: 'unused',
      loader: { '.css': 'empty', '.woff2': 'empty', '.woff': 'empty', '.ttf': 'empty', '.svg': 'empty' }, logLevel: 'silent',
    });
    const inputs = r.metafile.inputs;
    const from = new Map<string, string | null>([['src/main.tsx', null]]);
    const queue = ['src/main.tsx'];
    while (queue.length) {
      const f = queue.shift()!;
      for (const i of inputs[f]?.imports ?? []) {
        if (i.kind === 'dynamic-import' || from.has(i.path)) continue;
        from.set(i.path, f);
        queue.push(i.path);
      }
    }
    const chains = [...from.keys()].filter((f) => f.includes('node_modules/@tensorflow/')).slice(0, 3).map((f) => {
      const chain: string[] = [];
      for (let c: string | null = f; c; c = from.get(c) ?? null) chain.unshift(c.replace(/^.*node_modules\//, ''));
      return chain.join(' → ');
    });
    expect(chains).toEqual([]);
    // and the engine is still reachable, lazily: the worker entry and the page fallback
    expect(Object.keys(inputs)).toContain('src/worker/engineApi.ts');
  }, 60_000);
});
