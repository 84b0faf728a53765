/// <reference lib="webworker" />
/** The engine in a module Web Worker, so the page never freezes while it computes. */
import * as Comlink from 'comlink';
import { engineApiCreate } from './engineApi';

Comlink.expose(engineApiCreate());
