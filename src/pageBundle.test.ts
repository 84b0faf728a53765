/**
 * The page must paint without tfjs: the engine (tfjs, its kernels, the data sets) loads in the worker,
 * or on the page only when the worker cannot start (a dynamic import). This bundles the page's entry
 * with esbuild and follows its static imports; a UI or store module that imports a tensor module
 * (say, a constant from train.ts) fails here, with the chain that pulls tfjs in. The worker's bundle,
 * in turn, must not carry the self-test page's checks (src/engine/checks) or the torch fixtures.
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** Bundles `entry` with esbuild and follows its static imports: the chains that reach a module `bad` picks (at most 3). */
async function staticChains(
  entry: string,
  bad: (path: string) => boolean,
): Promise<{ chains: string[]; inputs: string[] }> {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    splitting: true,
    outdir: 'unused',
    loader: { '.css': 'empty', '.woff2': 'empty', '.woff': 'empty', '.ttf': 'empty', '.svg': 'empty' },
    logLevel: 'silent',
  });
  const inputs = r.metafile.inputs;
  const from = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length) {
    const f = queue.shift()!;
    for (const i of inputs[f]?.imports ?? []) {
      if (i.kind === 'dynamic-import' || from.has(i.path)) continue;
      from.set(i.path, f);
      queue.push(i.path);
    }
  }
  const chains = [...from.keys()]
    .filter(bad)
    .slice(0, 3)
    .map((f) => {
      const chain: string[] = [];
      for (let c: string | null = f; c; c = from.get(c) ?? null) chain.unshift(c.replace(/^.*node_modules\//, ''));
      return chain.join(' → ');
    });
  return { chains, inputs: Object.keys(inputs) };
}

describe('the page bundle', () => {
  it('reaches no tfjs package through static imports (the engine is loaded by the worker)', async () => {
    const { chains, inputs } = await staticChains('src/main.tsx', (f) => f.includes('node_modules/@tensorflow/'));
    expect(chains).toEqual([]);
    // and the engine is still reachable, lazily: the worker entry and the page fallback
    expect(inputs).toContain('src/worker/engineApi.ts');
  }, 60_000);
});

describe('the engine worker bundle', () => {
  // the self-test page's checks and the torch fixtures they read (~120 KB gzip) are not the app's:
  // a kernel module that imports a check helper pulls them into every page load
  it('reaches no fixture and no check module through static imports', async () => {
    const { chains, inputs } = await staticChains(
      'src/worker/engine.worker.ts',
      (f) => f.includes('__fixtures__') || f.includes('src/engine/checks/'),
    );
    expect(chains).toEqual([]);
    expect(inputs).toContain('src/engine/kernels/objectiveGrad.ts');
  }, 60_000);
});
