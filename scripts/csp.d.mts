import type { Plugin } from 'vite';
export const CSP: string;
export function cspVite(): Plugin;
