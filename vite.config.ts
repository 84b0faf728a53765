/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP, cspVite } from './scripts/csp.mjs';
import { layerStubVite } from './scripts/layerStub.mjs';

export default defineConfig({
  // the page never runs the CLI; the engine worker never renders a page nor runs the CLI (scripts/layerStub.mjs)
  plugins: [react(), layerStubVite(['cli']), cspVite()],
  worker: { plugins: () => [layerStubVite(['ui', 'cli'])] },
  base: './',
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // the app, and the self-test page that checks this browser's backends against torch's numbers
    rollupOptions: { input: { main: 'index.html', selftest: 'selftest.html' } },
  },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true, headers: { 'Content-Security-Policy': CSP } },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
