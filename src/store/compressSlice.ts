/**
 * The compression lab's state: the `compress` spec being edited and the studies run so far (each a
 * record with its progress and result); the views show one of them.
 */
import type { StateCreator } from 'zustand';
import type { CompressProgress, CompressResult } from '../engine/compress/runCompress';
import type { CompressSpec } from '../engine/spec/compressSchema';
import { compressSpecParseValid, specParse, type SpecError } from '../engine/spec/schema';
import type { JobStatus } from './searchSlice';
import type { AppState } from './store';

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

export interface CompressRecord {
  id: number;
  spec: CompressSpec;
  title: string;
  progress: CompressProgress | null;
  status: JobStatus;
  error: string | null;
  result: CompressResult | null;
  startedAt: number;
  /** when progress last came */
  updatedAt: number;
  finishedAt: number | null;
}

export interface CompressSlice {
  compressSpec: CompressSpec;
  compressRecords: CompressRecord[];
  /** the record the views show */
  compressShown: number | null;
  compressError: string | null;
  compressSpecReplace(spec: CompressSpec): void;
  /** an edit of the spec; returns the errors (and keeps the previous spec) when it is not valid */
  compressEdit(fn: (spec: CompressSpec) => unknown): SpecError[] | null;
  compressRecordStart(spec: CompressSpec): number;
  compressRecordUpdate(id: number, fn: (r: CompressRecord) => Partial<CompressRecord>): void;
  compressShow(id: number | null): void;
  compressErrorSet(message: string | null): void;
}

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

export const createCompressSlice: StateCreator<AppState, [], [], CompressSlice> = (set, get) => {
  let nextId = 1;
  return {
    compressSpec: DEFAULT_COMPRESS_SPEC,
    compressRecords: [],
    compressShown: null,
    compressError: null,
    compressSpecReplace: (compressSpec) => set({ compressSpec }),
    compressEdit: (fn) => {
      const r = specParse(fn(get().compressSpec));
      if (!r.ok) return r.errors;
      if (r.spec.kind === 'compress') set({ compressSpec: r.spec });
      return null;
    },
    compressRecordStart: (spec) => {
      const id = nextId++;
      const record: CompressRecord = {
        id,
        spec,
        title: compressRecordTitle(spec),
        progress: null,
        status: 'running',
        error: null,
        result: null,
        startedAt: Date.now(),
        updatedAt: Date.now(),
        finishedAt: null,
      };
      set((s) => ({ compressRecords: [...s.compressRecords, record], compressShown: id }));
      return id;
    },
    compressRecordUpdate: (id, fn) =>
      set((s) => ({ compressRecords: s.compressRecords.map((r) => (r.id === id ? { ...r, ...fn(r) } : r)) })),
    compressShow: (compressShown) => set({ compressShown }),
    compressErrorSet: (compressError) => set({ compressError }),
  };
};
