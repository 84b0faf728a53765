/**
 * The compression lab's settings: the base model (data, architecture, how it trains), fine-tuning,
 * and the chosen method's settings. Impossible settings are refused with the reason next to them.
 */
import { useId } from 'react';
import {
  OPTIMIZERS,
  OPTIMIZER_NAMES,
  optimizerSetting,
  optimizerWithLr,
  type OptimizerName,
} from '../../engine/optimizers/registry';
import {
  COMPRESS_LIMITS,
  PRUNE_SCHEDULES,
  PRUNE_SCOPES,
  QUANT_BITS,
  type CompressSpec,
} from '../../engine/spec/compressSchema';
import { searchBaseOf } from '../../engine/spec/searchSchema';
import { TRAIN_DATASETS, type TrainDatasetName } from '../../engine/spec/trainSchema';
import { trainRecordTitle } from '../../labs/train';
import { useAppStore } from '../../store/store';
import { FieldErrors, useLabEdit } from '../controls/FieldErrors';
import { BooleanControl, ListControl, NumberControl, Optional, numberMeta } from '../controls/HyperControl';

const num = numberMeta;

/** Applies an edit of the compress spec; returns the messages to show when it is refused. */
export const useCompressEdit = () => useLabEdit('compress');

type BaseInput = ReturnType<typeof searchBaseOf>;

function Select<T extends string>(props: {
  label: string;
  value: T;
  options: readonly T[];
  labels?: Partial<Record<T, string>>;
  onChange(v: T): void;
  testId: string;
  title?: string;
}) {
  const id = useId();
  return (
    <div className="control" title={props.title}>
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        className="wide"
        data-testid={props.testId}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
      >
        {props.options.map((o) => (
          <option key={o} value={o}>
            {props.labels?.[o] ?? o}
          </option>
        ))}
      </select>
    </div>
  );
}

const BASE_ROLE: Record<CompressSpec['method'], string> = {
  pruning: 'Model to prune',
  quantization: 'Model to quantize',
  distillation: 'Teacher',
  transfer: 'Network to pretrain',
};

function BasePanel() {
  const spec = useAppStore((s) => s.specs.compress);
  const [errors, edit] = useCompressEdit();
  const base = spec.base;
  const run = base.runs[0];
  const setBase = (fn: (b: BaseInput) => BaseInput) => edit((s) => ({ ...s, base: fn(searchBaseOf(s.base)) }));
  return (
    <section className="panel" aria-label="base model">
      <h3>{BASE_ROLE[spec.method]}</h3>
      <p className="small muted" data-testid="compress-base">
        {trainRecordTitle(base)} · {OPTIMIZERS[run.optimizer.name].label}, lr {run.optimizer.lr}
      </p>
      <Select
        label="data"
        value={base.data.name}
        options={TRAIN_DATASETS}
        onChange={(v) => setBase((b) => ({ ...b, data: { ...b.data, name: v as TrainDatasetName } }))}
        testId="compress-dataset"
      />
      {base.data.name === 'mnist' && (
        <NumberControl
          meta={num(
            'limit',
            'digits',
            'how many of the 10,000 MNIST digits to use (train + test)',
            100,
            10000,
            'log',
            true,
          )}
          value={base.data.limit}
          onChange={(v) => setBase((b) => ({ ...b, data: { ...b.data, limit: v } }))}
          testId="compress-limit"
        />
      )}
      <ListControl
        label={base.model.kind === 'cnn' ? 'conv channels' : 'hidden widths'}
        description="the layers between input and output, e.g. 64 or 128, 64"
        value={base.model.hidden}
        onChange={(v) => setBase((b) => ({ ...b, model: { ...b.model, hidden: v } }))}
      />
      <Select
        label="optimizer"
        value={run.optimizer.name}
        options={OPTIMIZER_NAMES}
        labels={Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, OPTIMIZERS[n].label]))}
        onChange={(v) =>
          setBase((b) => ({
            ...b,
            run: { ...b.run, optimizer: optimizerSetting(v as OptimizerName, { lr: run.optimizer.lr }) },
          }))
        }
        testId="compress-optimizer"
      />
      <NumberControl
        meta={num('lr', 'learning rate', 'the base model’s learning rate', 1e-5, 1, 'log')}
        value={Number(run.optimizer.lr)}
        onChange={(v) => setBase((b) => ({ ...b, run: { ...b.run, optimizer: optimizerWithLr(run.optimizer, v) } }))}
        testId="compress-lr"
      />
      <NumberControl
        meta={num('epochs', 'epochs', 'how long the base model trains', 1, 100, 'log', true)}
        value={base.training.epochs}
        onChange={(v) => setBase((b) => ({ ...b, training: { ...b.training, epochs: v } }))}
        testId="compress-epochs"
      />
      <NumberControl
        meta={num('batchSize', 'batch size', 'mini-batch size of every training in the study', 1, 1000, 'log', true)}
        value={base.training.batchSize}
        onChange={(v) => setBase((b) => ({ ...b, training: { ...b.training, batchSize: v } }))}
        testId="compress-batch"
      />
      <NumberControl
        meta={num(
          'dropout',
          'dropout',
          'on the hidden units while the base model (the teacher, the pretrained model) trains; 0: none',
          0,
          0.9,
        )}
        value={base.training.dropout}
        onChange={(v) => setBase((b) => ({ ...b, training: { ...b.training, dropout: v } }))}
        testId="compress-dropout"
      />
      <FieldErrors errors={errors} testId="compress-base-error" />
    </section>
  );
}

const FINE_TUNE_ROLE: Record<CompressSpec['method'], [string, string]> = {
  pruning: ['Fine-tuning', 'after pruning, with the mask held (gradual: the pruning run itself)'],
  quantization: ['Quantization-aware training', 'from the float model, with fake-quantized weights'],
  distillation: ['Student training', 'the same budget for the student from scratch and the distilled one'],
  transfer: ['Adaptation', 'training on the target task’s few labels, for every strategy'],
};

function FineTunePanel() {
  const spec = useAppStore((s) => s.specs.compress);
  const [errors, edit] = useCompressEdit();
  const [title, what] = FINE_TUNE_ROLE[spec.method];
  const set = (patch: Partial<CompressSpec['fineTune']>) =>
    edit((s) => ({ ...s, fineTune: { ...s.fineTune, ...patch } }));
  return (
    <section className="panel" aria-label="fine-tuning">
      <h3>{title}</h3>
      <p className="small muted">{what}; the base optimizer at this rate</p>
      <NumberControl
        meta={num('ftEpochs', 'epochs', 'epochs of fine-tuning (0: none)', 0, 100, 'linear', true)}
        value={spec.fineTune.epochs}
        onChange={(v) => set({ epochs: v })}
        testId="compress-ft-epochs"
      />
      <NumberControl
        meta={num('ftLr', 'learning rate', 'the fine-tuning rate', 1e-6, 1, 'log')}
        value={spec.fineTune.lr}
        onChange={(v) => set({ lr: v })}
        testId="compress-ft-lr"
      />
      <FieldErrors errors={errors} testId="compress-ft-error" />
    </section>
  );
}

const SCHEDULE_LABELS = { oneShot: 'one-shot', gradual: 'gradual (Zhu & Gupta)', lottery: 'lottery ticket' } as const;
const SCOPE_LABELS = { layer: 'per layer', global: 'global', structured: 'structured (whole units, L1)' } as const;

function PruningPanel() {
  const p = useAppStore((s) => s.specs.compress.pruning);
  const [errors, edit] = useCompressEdit();
  const set = (patch: Partial<CompressSpec['pruning']>) => edit((s) => ({ ...s, pruning: { ...s.pruning, ...patch } }));
  return (
    <section className="panel" aria-label="pruning settings">
      <h3>Pruning</h3>
      <Select
        label="schedule"
        value={p.schedule}
        options={PRUNE_SCHEDULES}
        labels={SCHEDULE_LABELS}
        onChange={(v) => set({ schedule: v })}
        testId="prune-schedule"
      />
      {p.schedule !== 'lottery' ? (
        <>
          <Select
            label="scope"
            value={p.scope}
            options={PRUNE_SCOPES}
            labels={SCOPE_LABELS}
            onChange={(v) => set({ scope: v })}
            testId="prune-scope"
            title="which weights compete: each layer's own, all layers together, or whole output units"
          />
          <ListControl
            label="sparsities %"
            description="shares of the weights to remove, in percent, e.g. 50, 80, 90, 95"
            value={p.sparsities.map((v) => Math.round(v * 1000) / 10)}
            onChange={(v) => set({ sparsities: v.map((x) => x / 100) })}
          />
        </>
      ) : (
        <>
          <NumberControl
            meta={num('rounds', 'rounds', 'prune, rewind and retrain this many times', 1, 8, 'linear', true)}
            value={p.rounds}
            onChange={(v) => set({ rounds: v })}
            testId="prune-rounds"
          />
          <NumberControl
            meta={num('rate', 'pruned per round', 'share of the remaining weights removed each round', 0.05, 0.95)}
            value={p.rate}
            onChange={(v) => set({ rate: v })}
            testId="prune-rate"
          />
          <NumberControl
            meta={num(
              'rewind',
              'rewind to epoch',
              '0: the initial weights (Frankle & Carbin); k: the weights after k epochs (Frankle et al. 2020)',
              0,
              20,
              'linear',
              true,
            )}
            value={p.rewindEpochs}
            onChange={(v) => set({ rewindEpochs: v })}
            testId="prune-rewind"
          />
        </>
      )}
      <FieldErrors errors={errors} testId="prune-error" />
    </section>
  );
}

function QuantizationPanel() {
  const q = useAppStore((s) => s.specs.compress.quantization);
  const [errors, edit] = useCompressEdit();
  const set = (patch: Partial<CompressSpec['quantization']>) =>
    edit((s) => ({ ...s, quantization: { ...s.quantization, ...patch } }));
  return (
    <section className="panel" aria-label="quantization settings">
      <h3>Quantization</h3>
      <div className="control" title="bit widths of the weights">
        <span>bits</span>
        <span className="wide">
          {QUANT_BITS.map((b) => (
            <label key={b} className="inline">
              <input
                type="checkbox"
                data-testid={`quant-bits-${b}`}
                checked={q.bits.includes(b)}
                onChange={(e) =>
                  set({ bits: QUANT_BITS.filter((x) => (x === b ? e.target.checked : q.bits.includes(x))) })
                }
              />{' '}
              {b}
            </label>
          ))}
        </span>
      </div>
      <Select
        label="scheme"
        value={q.scheme}
        options={['affine', 'symmetric'] as const}
        labels={{ affine: 'affine (zero point)', symmetric: 'symmetric (zero point 0)' }}
        onChange={(v) => set({ scheme: v })}
        testId="quant-scheme"
      />
      <BooleanControl
        label="per output channel"
        description="one scale (and zero point) per output unit instead of one per tensor"
        value={q.perChannel}
        onChange={(v) => set({ perChannel: v })}
      />
      <BooleanControl
        label="quantize activations (8-bit, calibrated)"
        description="hidden activations quantized too, with ranges calibrated on 1,024 training rows"
        value={q.activations}
        onChange={(v) => set({ activations: v })}
      />
      <BooleanControl
        label="quantization-aware training"
        description="also fine-tune with fake-quantized weights (straight-through estimator) at each width"
        value={q.qat}
        onChange={(v) => set({ qat: v })}
      />
      <FieldErrors errors={errors} testId="quant-error" />
    </section>
  );
}

function DistillationPanel() {
  const d = useAppStore((s) => s.specs.compress.distillation);
  const [errors, edit] = useCompressEdit();
  const set = (patch: Partial<CompressSpec['distillation']>) =>
    edit((s) => ({ ...s, distillation: { ...s.distillation, ...patch } }));
  return (
    <section className="panel" aria-label="distillation settings">
      <h3>Student and distillation</h3>
      <ListControl
        label="student widths"
        description="the student's hidden layers (smaller than the teacher's)"
        value={d.student}
        onChange={(v) => set({ student: v })}
      />
      <Optional
        label="students see fewer rows"
        value={d.studentRows}
        fallback={200}
        meta={num(
          'studentRows',
          'student rows',
          'both students train on the first this many training rows; the teacher on all of them',
          10,
          60000,
          'log',
          true,
        )}
        onChange={(v) => set({ studentRows: v })}
        testId="distill-rows"
      />
      <NumberControl
        meta={num('T', 'temperature T', 'softens both distributions: softmax(z / T)', 1, 50, 'log')}
        value={d.T}
        onChange={(v) => set({ T: v })}
        testId="distill-T"
      />
      <NumberControl
        meta={num('alpha', 'α', 'loss = α·T²·KL(teacher_T ‖ student_T) + (1 − α)·cross-entropy', 0, 1)}
        value={d.alpha}
        onChange={(v) => set({ alpha: v })}
        testId="distill-alpha"
      />
      <ListControl
        label="soft-target temperatures"
        description="the temperatures at which the teacher's soft targets are shown"
        value={d.temperatures}
        onChange={(v) => set({ temperatures: v })}
      />
      <NumberControl
        meta={num('sample', 'test example', 'the test row whose soft targets are shown', 0, 1000, 'linear', true)}
        value={d.sample}
        onChange={(v) => set({ sample: v })}
        testId="distill-sample"
      />
      <FieldErrors errors={errors} testId="distill-error" />
    </section>
  );
}

function TransferPanel() {
  const t = useAppStore((s) => s.specs.compress.transfer);
  const [errors, edit] = useCompressEdit();
  const set = (patch: Partial<CompressSpec['transfer']>) =>
    edit((s) => ({ ...s, transfer: { ...s.transfer, ...patch } }));
  return (
    <section className="panel" aria-label="transfer settings">
      <h3>Source and target tasks</h3>
      <ListControl
        label="source classes"
        description="the pretraining task, e.g. digits 0, 1, 2, 3, 4"
        value={t.source}
        onChange={(v) => set({ source: v })}
      />
      <ListControl
        label="target classes"
        description="the new task, e.g. digits 5, 6, 7, 8, 9 (as many classes as the source)"
        value={t.target}
        onChange={(v) => set({ target: v })}
      />
      <ListControl
        label="labelled samples"
        description="target training rows per run, e.g. 50, 200, 1000"
        value={t.labels}
        onChange={(v) => set({ labels: v })}
      />
      <NumberControl
        meta={num(
          'baseScale',
          'base rate factor',
          '“lower lr for the base”: the feature layers’ updates × this factor',
          0.001,
          1,
          'log',
        )}
        value={t.baseScale}
        onChange={(v) => set({ baseScale: v })}
        testId="transfer-scale"
      />
      <NumberControl
        meta={num(
          'draws',
          'draws',
          'how many different sets of labelled samples each strategy adapts on; the table and curves show their mean (with 50 labels, which 50 decides much of the result)',
          1,
          COMPRESS_LIMITS.maxDraws,
          'linear',
          true,
        )}
        value={t.draws}
        onChange={(v) => set({ draws: v })}
        testId="transfer-draws"
      />
      <FieldErrors errors={errors} testId="transfer-error" />
    </section>
  );
}

export function CompressControls() {
  const method = useAppStore((s) => s.specs.compress.method);
  return (
    <aside className="train-controls" aria-label="compression settings">
      <BasePanel />
      {method === 'pruning' && <PruningPanel />}
      {method === 'quantization' && <QuantizationPanel />}
      {method === 'distillation' && <DistillationPanel />}
      {method === 'transfer' && <TransferPanel />}
      <FineTunePanel />
    </aside>
  );
}
