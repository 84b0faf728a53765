/**
 * The contour map (canvas): filled levels on a log scale from d3-contour, minima, axes in the
 * function's coordinates, and on top the runs up to their playheads, ghosts of restarted runs, the
 * update arrows of the selected run, or the particle cloud. Click or drag to move the start point.
 */
import { contours } from 'd3-contour';
import { interpolateYlGnBu } from 'd3-scale-chromatic';
import { useEffect, useRef } from 'react';
import { OBJECTIVES } from '../../engine/objectives/registry';
import type { SurfaceGrid } from '../../engine/surface/grid';
import { useAppStore, type AppState } from '../../store/store';
import { MAP_MARGIN, mapFromPx, mapTicks, mapToPx, type MapFrame } from './mapGeometry';
import { runHasMomentum } from './runLabel';
import { surfaceStartSet } from '../../store/surfaceEdits';

const LEVELS = 22;
export const BASIN_COLORS = ['#f97316', '#8b5cf6', '#10b981', '#ec4899', '#0ea5e9', '#eab308'];

/** Filled contours of log(f − min), drawn once per grid into an offscreen canvas. */
function contourLayer(grid: SurfaceGrid, frame: MapFrame, dpr: number): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.width = frame.width * dpr;
  canvas.height = frame.height * dpr;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(dpr, dpr);
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of grid.values) {
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  const delta = (hi - lo) * 1e-6 + 1e-12;
  const z = Array.from(grid.values, (v) => Math.log10((Number.isFinite(v) ? v : hi) - lo + delta));
  const zlo = Math.log10(delta);
  const zhi = Math.log10(hi - lo + delta);
  const thresholds = Array.from({ length: LEVELS }, (_, k) => zlo + ((zhi - zlo) * k) / LEVELS);
  const dx = (grid.x[1] - grid.x[0]) / (grid.nx - 1);
  const dy = (grid.y[1] - grid.y[0]) / (grid.ny - 1);
  // d3-contour puts value i at the centre of cell i, i.e. at i + 0.5
  const toPx = (gx: number, gy: number) => mapToPx(frame, grid.x[0] + (gx - 0.5) * dx, grid.y[0] + (gy - 0.5) * dy);
  ctx.save();
  ctx.beginPath();
  const [cx0, cy0] = mapToPx(frame, grid.x[0], grid.y[1]);
  const [cx1, cy1] = mapToPx(frame, grid.x[1], grid.y[0]);
  ctx.rect(cx0, cy0, cx1 - cx0, cy1 - cy0);
  ctx.clip();
  for (const [k, polygon] of contours().size([grid.nx, grid.ny]).thresholds(thresholds)(z).entries()) {
    ctx.beginPath();
    for (const rings of polygon.coordinates) {
      for (const ring of rings) {
        ring.forEach(([gx, gy], i) => {
          const [px, py] = toPx(gx, gy);
          if (i === 0) ctx.moveTo(px, py);
          else ctx.lineTo(px, py);
        });
        ctx.closePath();
      }
    }
    ctx.fillStyle = interpolateYlGnBu(0.62 - (0.58 * k) / LEVELS);
    ctx.fill();
    ctx.strokeStyle = 'rgba(15, 23, 42, 0.12)';
    ctx.lineWidth = 0.6;
    ctx.stroke();
  }
  ctx.restore();
  // axes in the function's coordinates
  ctx.fillStyle = '#334155';
  ctx.strokeStyle = '#94a3b8';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of mapTicks(grid.x[0], grid.x[1])) {
    const [px, py] = mapToPx(frame, t, grid.y[0]);
    ctx.beginPath();
    ctx.moveTo(px, py);
    ctx.lineTo(px, py + 4);
    ctx.stroke();
    ctx.fillText(String(t), px, py + 6);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of mapTicks(grid.y[0], grid.y[1])) {
    const [px, py] = mapToPx(frame, grid.x[0], t);
    ctx.beginPath();
    ctx.moveTo(px - 4, py);
    ctx.lineTo(px, py);
    ctx.stroke();
    ctx.fillText(String(t), px - 6, py);
  }
  ctx.strokeRect(cx0, cy0, cx1 - cx0, cy1 - cy0);
  return canvas;
}

function arrow(
  ctx: CanvasRenderingContext2D,
  from: [number, number],
  to: [number, number],
  color: string,
  dash: number[],
) {
  const len = Math.hypot(to[0] - from[0], to[1] - from[1]);
  if (len < 1) return;
  const a = Math.atan2(to[1] - from[1], to[0] - from[0]);
  ctx.save();
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 2.2;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(...from);
  ctx.lineTo(...to);
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.beginPath();
  ctx.moveTo(...to);
  ctx.lineTo(to[0] - 9 * Math.cos(a - 0.4), to[1] - 9 * Math.sin(a - 0.4));
  ctx.lineTo(to[0] - 9 * Math.cos(a + 0.4), to[1] - 9 * Math.sin(a + 0.4));
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

function arrowLegend(ctx: CanvasRenderingContext2D, frame: MapFrame, k: number, withMomentum: boolean, color: string) {
  const rows: [string, string, number[]][] = [
    ['gradient step −η∇f', '#0f172a', [5, 4]],
    ['actual step', color, []],
    ...(withMomentum ? [['carried by momentum', '#a855f7', [2, 3]] as [string, string, number[]]] : []),
  ];
  const x = frame.left + 8;
  const y = MAP_MARGIN.top + 8;
  ctx.save();
  ctx.fillStyle = 'rgba(255, 255, 255, 0.88)';
  ctx.fillRect(x, y, 190, 20 + rows.length * 16);
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#334155';
  ctx.fillText(k > 1 ? `update arrows, magnified ×${k}` : 'update arrows', x + 6, y + 10);
  rows.forEach(([label, c, dash], i) => {
    const yy = y + 26 + i * 16;
    ctx.strokeStyle = c;
    ctx.lineWidth = 2.2;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x + 6, yy);
    ctx.lineTo(x + 30, yy);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#0f172a';
    ctx.fillText(label, x + 36, yy);
  });
  ctx.restore();
}

/** Strokes the points [0, upto] as one polyline in the current style. */
function tracePolyline(ctx: CanvasRenderingContext2D, frame: MapFrame, points: [number, number][], upto: number) {
  ctx.beginPath();
  for (let k = 0; k <= upto; k++) {
    const p = mapToPx(frame, ...points[k]);
    if (k === 0) ctx.moveTo(...p);
    else ctx.lineTo(...p);
  }
  ctx.stroke();
}

function star(ctx: CanvasRenderingContext2D, [x, y]: [number, number]) {
  ctx.save();
  ctx.beginPath();
  for (let k = 0; k < 10; k++) {
    const r = k % 2 ? 3.5 : 8;
    const a = -Math.PI / 2 + (k * Math.PI) / 5;
    ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
  }
  ctx.closePath();
  ctx.fillStyle = '#facc15';
  ctx.strokeStyle = '#0f172a';
  ctx.lineWidth = 1.2;
  ctx.fill();
  ctx.stroke();
  ctx.restore();
}

/** The magnification that makes the longest update arrow about 70 px, reported on the map. */
function arrowScale(frame: MapFrame, vectors: [number, number][]): number {
  const unit = mapToPx(frame, frame.x[0] + 1, frame.y[0])[0] - mapToPx(frame, frame.x[0], frame.y[0])[0];
  const longest = Math.max(...vectors.map(([dx, dy]) => Math.hypot(dx, dy) * unit), 1e-12);
  const k = 70 / longest;
  return k < 1 ? 1 : Number(k.toPrecision(2));
}

function drawOverlay(ctx: CanvasRenderingContext2D, s: AppState, frame: MapFrame) {
  const spec = s.specs.surface;
  const meta = OBJECTIVES[spec.objective.name];
  const mode = spec.view.mode;
  const hideNames = spec.view.hide.includes('names');
  // paths that leave the domain (a diverging run) stop at the plot's edge, not over the axes
  const [clipX0, clipY0] = mapToPx(frame, frame.x[0], frame.y[1]);
  const [clipX1, clipY1] = mapToPx(frame, frame.x[1], frame.y[0]);
  ctx.save();
  ctx.beginPath();
  ctx.rect(clipX0, clipY0, clipX1 - clipX0, clipY1 - clipY0);
  ctx.clip();
  if (mode === 'race') {
    spec.runs.forEach((run, i) => {
      const ghost = s.ghosts[i];
      const head = s.heads[i] ?? 0;
      const color = run.color ?? '#475569';
      if (ghost && !(s.race[i]?.done && head >= (s.race[i]?.path.length ?? 0) - 1) && head < ghost.path.length - 1) {
        ctx.save();
        ctx.globalAlpha = 0.3;
        ctx.strokeStyle = color;
        ctx.lineWidth = 2;
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ghost.path.forEach((p, k) =>
          k === 0 ? ctx.moveTo(...mapToPx(frame, ...p)) : ctx.lineTo(...mapToPx(frame, ...p)),
        );
        ctx.stroke();
        ctx.restore();
      }
      const r = s.race[i];
      if (!r || r.path.length === 0) return;
      const upto = Math.min(head, r.path.length - 1);
      ctx.save();
      ctx.strokeStyle = color;
      ctx.lineWidth = 2.5;
      ctx.lineJoin = 'round';
      tracePolyline(ctx, frame, r.path, upto);
      if (r.average && r.average.length > 0) {
        // the optimizer's averaged parameters (ASGD's θ̄, schedule-free's x): dotted, a hollow ring at its head
        const last = Math.min(upto, r.average.length - 1);
        ctx.save();
        ctx.setLineDash([2, 3]);
        ctx.lineWidth = 2;
        tracePolyline(ctx, frame, r.average, last);
        ctx.setLineDash([]);
        const a = mapToPx(frame, ...r.average[last]);
        ctx.beginPath();
        ctx.arc(a[0], a[1], 6, 0, 2 * Math.PI);
        ctx.fillStyle = 'white';
        ctx.fill();
        ctx.stroke();
        ctx.restore();
      }
      const at = mapToPx(frame, ...r.path[upto]);
      ctx.beginPath();
      ctx.arc(at[0], at[1], 5, 0, 2 * Math.PI);
      ctx.fillStyle = color;
      ctx.fill();
      ctx.strokeStyle = 'white';
      ctx.lineWidth = 1.5;
      ctx.stroke();
      if (r.status === 'diverged' && r.done && upto === r.path.length - 1) {
        ctx.strokeStyle = '#b91c1c';
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.moveTo(at[0] - 7, at[1] - 7);
        ctx.lineTo(at[0] + 7, at[1] + 7);
        ctx.moveTo(at[0] + 7, at[1] - 7);
        ctx.lineTo(at[0] - 7, at[1] + 7);
        ctx.stroke();
        ctx.fillStyle = '#7f1d1d';
        ctx.font = 'bold 12px system-ui, sans-serif';
        ctx.textAlign = 'left';
        ctx.fillText(`diverged at step ${r.divergedAt}`, at[0] + 10, at[1] - 10);
      }
      ctx.restore();
    });
    // what the selected run's current step is made of
    const sel = s.selectedRun;
    const r = s.race[sel];
    const t = s.heads[sel] ?? 0;
    if (r && t < r.lr.length && t + 1 < r.path.length && !hideNames) {
      const p = r.path[t];
      const gradStep: [number, number] = [-r.lr[t] * r.grad[t][0], -r.lr[t] * r.grad[t][1]];
      const actual: [number, number] = [r.path[t + 1][0] - p[0], r.path[t + 1][1] - p[1]];
      const carried: [number, number] = [actual[0] - gradStep[0], actual[1] - gradStep[1]];
      const withMomentum = runHasMomentum(spec.runs[sel]);
      const k = arrowScale(frame, withMomentum ? [gradStep, actual, carried] : [gradStep, actual]);
      const from = mapToPx(frame, ...p);
      const tip = (v: [number, number]) => mapToPx(frame, p[0] + k * v[0], p[1] + k * v[1]);
      arrow(ctx, from, tip(gradStep), '#0f172a', [5, 4]);
      arrow(ctx, from, tip(actual), spec.runs[sel].color ?? '#475569', []);
      if (withMomentum) {
        const mid = tip(gradStep);
        arrow(ctx, mid, tip(actual), '#a855f7', [2, 3]);
      }
      arrowLegend(ctx, frame, k, withMomentum, spec.runs[sel].color ?? '#475569');
    }
  } else if (s.cloud) {
    const cloud = s.cloud;
    if (mode === 'cloud') {
      let f = 0;
      while (f + 1 < cloud.frameSteps.length && cloud.frameSteps[f + 1] <= s.cloudHead) f++;
      spec.runs.forEach((run, i) => {
        const pts = cloud.runs[i]?.frames[f];
        if (!pts) return;
        ctx.fillStyle = run.color ?? '#475569';
        ctx.globalAlpha = 0.55;
        for (let j = 0; j < pts.length; j += 2) {
          if (!Number.isFinite(pts[j]) || !Number.isFinite(pts[j + 1])) continue;
          const [px, py] = mapToPx(frame, pts[j], pts[j + 1]);
          if (px < frame.left || py > frame.height - frame.bottom) continue;
          ctx.fillRect(px - 1, py - 1, 2, 2);
        }
        ctx.globalAlpha = 1;
      });
    } else {
      const basin = cloud.runs[s.selectedRun]?.basin;
      if (basin) {
        for (let j = 0; j < basin.length; j++) {
          const b = basin[j];
          ctx.fillStyle = b >= 0 ? BASIN_COLORS[b % BASIN_COLORS.length] : b === -2 ? '#111827' : '#9ca3af';
          const [px, py] = mapToPx(frame, cloud.starts[2 * j], cloud.starts[2 * j + 1]);
          ctx.fillRect(px - 2, py - 2, 4, 4);
        }
      }
    }
  }
  ctx.restore();
  for (const m of meta.minima(spec.objective)) star(ctx, mapToPx(frame, m[0], m[1]));
  // the start point
  const st = mapToPx(frame, ...spec.start);
  ctx.beginPath();
  ctx.arc(st[0], st[1], 7, 0, 2 * Math.PI);
  ctx.strokeStyle = '#0f172a';
  ctx.lineWidth = 2;
  ctx.stroke();
  ctx.beginPath();
  ctx.arc(st[0], st[1], 2.5, 0, 2 * Math.PI);
  ctx.fillStyle = '#0f172a';
  ctx.fill();
}

export function SurfaceMap() {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const boxRef = useRef<HTMLDivElement>(null);
  const grid = useAppStore((s) => s.grid);
  const objective = useAppStore((s) => s.specs.surface.objective.name);
  const locked = useAppStore((s) => s.specs.surface.view.lock);

  useEffect(() => {
    const canvas = canvasRef.current;
    const box = boxRef.current;
    if (!canvas || !box) return;
    const dpr = window.devicePixelRatio || 1;
    const domain = OBJECTIVES[objective].domain;
    let frame: MapFrame | null = null;
    let layer: HTMLCanvasElement | null = null;
    let pending = 0;
    const draw = () => {
      pending = 0;
      if (!frame) return;
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, frame.width, frame.height);
      const state = useAppStore.getState();
      if (layer && state.grid === grid) ctx.drawImage(layer, 0, 0, frame.width, frame.height);
      drawOverlay(ctx, state, frame);
    };
    const schedule = () => {
      if (!pending) pending = requestAnimationFrame(draw);
    };
    const resize = () => {
      const width = Math.max(280, Math.floor(box.clientWidth) - 8);
      const aspect = (domain.y[1] - domain.y[0]) / (domain.x[1] - domain.x[0]);
      const plot = width - MAP_MARGIN.left - MAP_MARGIN.right;
      // leave room for the charts below the map on a 720-px-high screen
      const height = Math.min(
        Math.round(plot * aspect) + MAP_MARGIN.top + MAP_MARGIN.bottom,
        Math.max(300, window.innerHeight - 330),
      );
      frame = { width, height, left: MAP_MARGIN.left, bottom: MAP_MARGIN.bottom, x: domain.x, y: domain.y };
      canvas.width = width * dpr;
      canvas.height = height * dpr;
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
      layer = grid ? contourLayer(grid, frame, dpr) : null;
      schedule();
    };
    resize();
    const observer = new ResizeObserver(resize);
    observer.observe(box);
    const unsubscribe = useAppStore.subscribe(schedule); // transient: redraw without re-rendering React

    let dragging = false;
    const moveStart = (e: PointerEvent) => {
      if (!frame || useAppStore.getState().specs.surface.view.lock) return;
      const rect = canvas.getBoundingClientRect();
      const [x, y] = mapFromPx(frame, e.clientX - rect.left, e.clientY - rect.top);
      const clamp = (v: number, [lo, hi]: [number, number]) => Math.min(hi, Math.max(lo, v));
      const round = (v: number) => Number(v.toPrecision(4));
      surfaceStartSet([round(clamp(x, domain.x)), round(clamp(y, domain.y))]);
    };
    const down = (e: PointerEvent) => {
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
      moveStart(e);
    };
    const move = (e: PointerEvent) => dragging && moveStart(e);
    const up = () => {
      dragging = false;
    };
    canvas.addEventListener('pointerdown', down);
    canvas.addEventListener('pointermove', move);
    canvas.addEventListener('pointerup', up);
    return () => {
      observer.disconnect();
      unsubscribe();
      if (pending) cancelAnimationFrame(pending);
      canvas.removeEventListener('pointerdown', down);
      canvas.removeEventListener('pointermove', move);
      canvas.removeEventListener('pointerup', up);
    };
  }, [grid, objective]);

  return (
    <div ref={boxRef} className="surface-map">
      <canvas
        ref={canvasRef}
        data-testid="surface-map"
        role="img"
        aria-label={`Contour map of ${OBJECTIVES[objective].label}. ${locked ? '' : 'Click or drag to move the start point.'}`}
        style={{ cursor: locked ? 'default' : 'crosshair', touchAction: 'none' }}
      />
    </div>
  );
}
