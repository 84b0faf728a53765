/** Pixel ↔ function coordinates for the surface map, and axis ticks. Plain numbers, no tensors. */
export interface MapFrame {
  width: number;
  height: number;
  left: number;
  bottom: number;
  x: [number, number];
  y: [number, number];
}

export const MAP_MARGIN = { left: 44, bottom: 30, top: 8, right: 8 };

export function mapToPx(f: MapFrame, x: number, y: number): [number, number] {
  const w = f.width - f.left - MAP_MARGIN.right;
  const h = f.height - f.bottom - MAP_MARGIN.top;
  return [f.left + ((x - f.x[0]) / (f.x[1] - f.x[0])) * w, MAP_MARGIN.top + (1 - (y - f.y[0]) / (f.y[1] - f.y[0])) * h];
}

export function mapFromPx(f: MapFrame, px: number, py: number): [number, number] {
  const w = f.width - f.left - MAP_MARGIN.right;
  const h = f.height - f.bottom - MAP_MARGIN.top;
  return [
    f.x[0] + ((px - f.left) / w) * (f.x[1] - f.x[0]),
    f.y[0] + (1 - (py - MAP_MARGIN.top) / h) * (f.y[1] - f.y[0]),
  ];
}

/** About `count` round tick values covering [lo, hi]. */
export function mapTicks(lo: number, hi: number, count = 6): number[] {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}
