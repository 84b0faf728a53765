// The labs' registry (src/labs) names each lab's page, CLI handler and engine entry as lazy imports,
// so one definition serves every build. A build that can never call one of them replaces it with an
// empty module instead of bundling it: the worker has no pages and no CLI, the page no CLI, the CLI no pages.
const STUB = '\0optiplay-layer-stub';

/** Whether `source`, imported from a lab definition, leads into one of `layers` ('ui', 'cli'). */
function stubbed(source, importer, layers) {
  if (!importer || !/[\\/]src[\\/]labs[\\/]/.test(importer)) return false;
  return layers.some((l) => source.startsWith(`../${l}/`));
}

export function layerStubVite(layers) {
  return {
    name: 'optiplay-layer-stub',
    enforce: 'pre',
    // builds only: the dev server and Vitest load what is called, when it is called
    apply: 'build',
    resolveId: (source, importer) => (stubbed(source, importer, layers) ? STUB : null),
    load: (id) => (id === STUB ? 'export {};' : null),
  };
}

export function layerStubEsbuild(layers) {
  return {
    name: 'optiplay-layer-stub',
    setup(build) {
      build.onResolve({ filter: /^\.\.\// }, (args) =>
        stubbed(args.path, args.importer, layers) ? { path: 'stub', namespace: 'optiplay-stub' } : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'optiplay-stub' }, () => ({ contents: 'export {};', loader: 'js' }));
    },
  };
}
