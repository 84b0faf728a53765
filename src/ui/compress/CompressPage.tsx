/** The compression lab: settings on the left; the method's study (its progress and views) on the right. */
import { COMPRESS_METHODS, type CompressMethod } from '../../engine/spec/compressSchema';
import { COMPRESS_METHOD_LABELS } from '../../labs/compress';
import { selectCompressShown, useAppStore } from '../../store/store';
import { useThrottledStore } from '../charts/useThrottledStore';
import { seconds } from '../controls/format';
import { JobToolbar } from '../controls/JobToolbar';
import { CompressControls } from './CompressControls';
import { CompressViews } from './CompressViews';

const WHAT: Record<CompressMethod, string> = {
  pruning:
    'Train the model, remove the smallest weights (one-shot, gradually while fine-tuning, or the lottery ticket’s iterative prune-and-rewind) and measure what is lost, before and after fine-tuning with the mask held.',
  quantization:
    'Train the model, round its weights to 8, 4 or 2 bits (PyTorch’s MinMaxObserver scale and zero point) and measure the accuracy, the size and each layer’s error; quantization-aware training fine-tunes through the rounding.',
  distillation:
    'Train a large teacher, then the same small student twice on the same budget: from the labels alone, and from the teacher’s softened outputs (Hinton et al. 2015). Distillation pays most when the students see fewer labelled rows than the teacher did.',
  transfer:
    'Pretrain on the source classes, then learn the target classes from a few labels four ways: a frozen base with a new head, fine-tuning all, fine-tuning with a lower rate for the base, and from scratch.',
};

function Toolbar() {
  return <JobToolbar job="compress" prefix="compress" noun="study" runLabel="Run study" />;
}

function Study() {
  const record = useThrottledStore(selectCompressShown, 200);
  if (!record)
    return (
      <p className="small muted" data-testid="compress-status" data-status="idle">
        Press Run study: it trains the model and measures the trade-off (about a minute for the MNIST MLP).
      </p>
    );
  const p = record.progress;
  const share = record.status === 'done' ? 1 : p ? (p.stage + (p.epochs ? p.epoch / p.epochs : 0)) / p.stages : 0;
  const elapsed = (record.finishedAt ?? record.updatedAt) - record.startedAt;
  const classNames = (c: number) => (record.spec.base.data.name === 'mnist' ? `digit ${c}` : `class ${c}`);
  return (
    <>
      <div className="search-progress">
        <progress max={1} value={share} aria-label="study progress" data-testid="compress-progress" />
        <span
          className="small"
          data-testid="compress-status"
          data-status={record.status}
          data-backend={record.result?.backend ?? ''}
        >
          #{record.id} {record.title} · {record.status}
          {record.status === 'running' && p
            ? ` · ${p.stage + 1}/${p.stages}: ${p.label}${p.epochs ? ` (epoch ${p.epoch}/${p.epochs})` : ''}`
            : ''}
          {` · ${seconds(elapsed)}`}
          {record.result
            ? ` · ${record.result.backend} · ${record.result.dataset.train} training / ${record.result.dataset.test} test rows`
            : ''}
        </span>
      </div>
      {record.error && (
        <p role="alert" className="field-error" data-testid="compress-run-error">
          The study failed: {record.error}
        </p>
      )}
      {record.result && <CompressViews key={record.id} result={record.result} classNames={classNames} />}
    </>
  );
}

export function CompressPage() {
  const method = useAppStore((s) => s.specs.compress.method);
  const setMethod = (m: CompressMethod) => useAppStore.getState().specEdit('compress', (s) => ({ ...s, method: m }));
  return (
    <main className="train-page">
      <CompressControls />
      <div className="train-main">
        <nav className="segmented tools" aria-label="compression methods">
          {COMPRESS_METHODS.map((m) => (
            <button
              key={m}
              type="button"
              className={method === m ? 'active' : ''}
              aria-current={method === m ? 'page' : undefined}
              data-testid={`method-${m}`}
              onClick={() => setMethod(m)}
            >
              {COMPRESS_METHOD_LABELS[m]}
            </button>
          ))}
        </nav>
        <p className="small">{WHAT[method]}</p>
        <Toolbar />
        <Study />
      </div>
    </main>
  );
}
