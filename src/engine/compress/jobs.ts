/** The compression lab's engine entry: the spec's study (pruning, quantization, distillation or transfer). */
import type { JobContext } from '../job';
import type { CompressSpec } from '../spec/compressSchema';
import { compressRun, type CompressProgress, type CompressResult } from './runCompress';

export function compress(spec: CompressSpec, ctx: JobContext<CompressProgress>): Promise<CompressResult> {
  return compressRun(spec, ctx.loadAsset, {
    signal: ctx.signal,
    csvText: ctx.csvText,
    budget: { spec, allowLarge: ctx.allowLarge },
    onProgress: ctx.onEvent,
  });
}
