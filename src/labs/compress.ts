/**
 * The compression lab: what a model loses when it is made smaller. Its job runs the method's study
 * (pruning, quantization, distillation or transfer); each press of Run is a record.
 */
import type { CompressProgress, CompressResult } from '../engine/compress/runCompress';
import type { CompressSpec } from '../engine/spec/compressSchema';
import { compressSpecParseValid } from '../engine/spec/schema';
import { defineLab, type JobRecord } from './types';

/** The opening study: an MNIST MLP 784-64-10 (2,000 digits), pruned at four sparsities. */
export const DEFAULT_COMPRESS_SPEC: CompressSpec = compressSpecParseValid({
  seed: 0,
  method: 'pruning',
  base: {
    data: { name: 'mnist', limit: 2000, testFraction: 0.2 },
    model: { kind: 'mlp', hidden: [64], activation: 'relu', init: 'he' },
    training: { batchSize: 50, epochs: 6 },
    run: { optimizer: { name: 'adam', lr: 0.003 } },
  },
  fineTune: { epochs: 4, lr: 0.003 },
});

export type CompressRecord = JobRecord<
  { progress: CompressProgress | null; result: CompressResult | null },
  CompressSpec
>;

export const COMPRESS_METHOD_LABELS: Record<CompressSpec['method'], string> = {
  pruning: 'Pruning',
  quantization: 'Quantization',
  distillation: 'Distillation',
  transfer: 'Transfer learning',
};

/** "Pruning · global, one-shot · 50/80/90/95 %" and the like. */
export function compressRecordTitle(spec: CompressSpec): string {
  const pct = (v: number) => `${Math.round(v * 1000) / 10}`;
  switch (spec.method) {
    case 'pruning': {
      const p = spec.pruning;
      if (p.schedule === 'lottery')
        return `Lottery ticket · ${p.rounds} rounds of ${pct(p.rate)} % · rewind to ${p.rewindEpochs ? `epoch ${p.rewindEpochs}` : 'init'}`;
      return `Pruning · ${p.scope}, ${p.schedule === 'gradual' ? 'gradual' : 'one-shot'} · ${p.sparsities.map(pct).join('/')} %`;
    }
    case 'quantization': {
      const q = spec.quantization;
      return `Quantization · ${q.bits.join('/')} bits, ${q.scheme}, per ${q.perChannel ? 'channel' : 'tensor'}${q.activations ? ', activations' : ''}${q.qat ? ', QAT' : ''}`;
    }
    case 'distillation':
      return `Distillation · student ${spec.distillation.student.join('-')} · T ${spec.distillation.T}, α ${spec.distillation.alpha}`;
    case 'transfer':
      return `Transfer · ${spec.transfer.source.join('')} → ${spec.transfer.target.join('')} · ${spec.transfer.labels.join('/')} labels`;
  }
}

export const compressLab = defineLab<CompressSpec>({
  id: 'compress',
  label: 'Compression lab',
  kind: 'compress',
  defaults: DEFAULT_COMPRESS_SPEC,
  onLink: 'wait',
  data: (spec) => spec.base.data,
  run: 'compress',
  jobs: {
    compress: {
      engine: () => import('../engine/compress/jobs'),
      record: {
        title: compressRecordTitle,
        initial: () => ({ progress: null, result: null }),
        event: (r: CompressRecord, progress: CompressProgress) => (r.status === 'running' ? { progress } : {}),
        result: (_r: CompressRecord, result: CompressResult) => ({ result }),
      },
    },
  },
  page: () => import('../ui/compress/CompressPage').then((m) => ({ default: m.CompressPage })),
  cli: () => import('../cli/compress'),
});
