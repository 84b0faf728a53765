/** The selected run's update rule (KaTeX), then the same rule with its current values substituted. */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { useMemo } from 'react';
import { OPTIMIZERS } from '../../engine/optimizers/registry';
import { SCHEDULES } from '../../engine/schedules/registry';
import { useAppStore } from '../../store/store';

/** 0.001 → "10^{-3}", 2.5e-4 → "2.5\times10^{-4}", 0.9 → "0.9". */
export function latexNumber(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  if (exp >= -2 && exp < 5) return String(Number(v.toPrecision(3)));
  const mant = Number((v / 10 ** exp).toPrecision(3));
  return mant === 1 ? `10^{${exp}}` : `${mant}\\times10^{${exp}}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Replaces each hyperparameter's symbol by its value, highlighted. */
export function ruleSubstitute(rule: string, values: { symbol: string; value: number }[]): string {
  let out = rule;
  for (const { symbol, value } of values) {
    out = out.replace(new RegExp(`${escape(symbol)}(?![A-Za-z])`, 'g'), `{\\color{#2563eb}${latexNumber(value)}}`);
  }
  return out;
}

const render = (tex: string) =>
  katex.renderToString(`\\begin{aligned}${tex}\\end{aligned}`, { displayMode: true, throwOnError: false });

export function UpdateRule() {
  const selected = useAppStore((s) => s.selectedRun);
  const run = useAppStore((s) => s.specs.surface.runs[s.selectedRun]);
  const hidden = useAppStore(
    (s) => s.specs.surface.view.hide.includes('names') || s.specs.surface.view.hide.includes('rule'),
  );
  const html = useMemo(() => {
    if (!run) return null;
    const meta = OPTIMIZERS[run.optimizer.name];
    const values = meta.hyper.flatMap((h) =>
      h.kind === 'number' ? [{ symbol: h.symbol, value: Number(run.optimizer[h.key]) }] : [],
    );
    return { symbolic: render(meta.latex), numeric: render(ruleSubstitute(meta.latex, values)) };
  }, [run]);
  if (hidden || !run || !html) return null;
  const meta = OPTIMIZERS[run.optimizer.name];
  const flags = meta.hyper
    .filter((h) => h.kind === 'boolean')
    .map((h) => `${h.label}: ${run.optimizer[h.key] ? 'on' : 'off'}`);
  return (
    <section className="rule" aria-label="update rule" data-testid="update-rule">
      <h2>
        <span className="swatch" style={{ background: run.color }} />
        Run {selected + 1}: {meta.label} <span className="muted small">({meta.torch})</span>
      </h2>
      <div dangerouslySetInnerHTML={{ __html: html.symbolic }} />
      <p className="muted small">with this run's values:</p>
      <div data-testid="update-rule-values" dangerouslySetInnerHTML={{ __html: html.numeric }} />
      {meta.averaged && (
        <p className="small" data-testid="update-rule-averaged">
          Dotted path, hollow ring: the {meta.averaged.label}, {meta.averaged.description}.
        </p>
      )}
      {meta.note && (
        <p className="small" data-testid="update-rule-note">
          {meta.note}
        </p>
      )}
      <p className="muted small">
        {flags.length > 0 && `${flags.join(' · ')} · `}schedule: {SCHEDULES[run.schedule.name].label}
        {run.schedule.warmupSteps > 0 && ` after ${run.schedule.warmupSteps} warmup steps`}
        {run.noise > 0 && ` · gradient noise σ = ${run.noise}`} ·{' '}
        <a href={meta.paper.url} target="_blank" rel="noreferrer">
          {meta.paper.authors} {meta.paper.year}
        </a>
      </p>
    </section>
  );
}
