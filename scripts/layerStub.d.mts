import type { Plugin as VitePlugin } from 'vite';
import type { Plugin as EsbuildPlugin } from 'esbuild';
export function layerStubVite(layers: string[]): VitePlugin;
export function layerStubEsbuild(layers: string[]): EsbuildPlugin;
