import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { money } from './format.js';

// Colour-blind-safe palette (Okabe–Ito), each with enough contrast against white.
const COLORS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#8c564b'];

/**
 * Spend by day, stacked by model. uPlot has no stacking of its own: each series holds the running total up to its
 * model, and the series are drawn tallest first so each model's band shows on top of the next one.
 * days: [{ day: 'YYYY-MM-DD', models: [{ model, spend }] }]; every day from start to end gets a slot, spent or not.
 */
function everyDay(start, end) {
  const days = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); t <= Date.parse(`${end}T00:00:00Z`); t += 86400000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

export function SpendChart({ days: spent, start, end, label }) {
  const box = useRef(null);
  useEffect(() => {
    const el = box.current;
    if (!el || spent.length === 0) return undefined;
    const days = everyDay(start, end).map((day) => spent.find((d) => d.day === day) ?? { day, models: [] });
    const models = [...new Set(days.flatMap((d) => d.models.map((m) => m.model)))];
    const xs = days.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000);
    const own = models.map((m) => days.map((d) => Number(d.models.find((x) => x.model === m)?.spend ?? 0)));
    const stacked = own.map((_, i) => days.map((__, j) => own.slice(0, i + 1).reduce((s, row) => s + row[j], 0)));
    const order = models.map((_, i) => models.length - 1 - i);
    const bars = uPlot.paths.bars({ size: [0.6, 40] });
    const opts = {
      width: Math.max(300, el.clientWidth),
      height: 260,
      scales: { x: { time: true, range: () => [xs[0] - 43200, xs[xs.length - 1] + 43200] }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{}, { values: (u, ticks) => ticks.map((t) => money(t)), size: 70 }],
      series: [
        { value: (u, v) => (v == null ? '' : new Date(v * 1000).toISOString().slice(0, 10)) },
        ...order.map((i) => ({
          label: models[i],
          fill: COLORS[i % COLORS.length],
          stroke: COLORS[i % COLORS.length],
          paths: bars,
          points: { show: false },
          value: (u, v, s, idx) => (idx == null ? '' : money(own[i][idx])),
        })),
      ],
    };
    const plot = new uPlot(opts, [xs, ...order.map((i) => stacked[i])], el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: 260 }));
    resize.observe(el);
    return () => { resize.disconnect(); plot.destroy(); };
  }, [spent, start, end]);
  if (spent.length === 0) return html`<p class="muted">No spend in this period yet.</p>`;
  return html`<figure class="chart"><div ref=${box} role="img" aria-label=${label} data-testid="spend-chart"></div></figure>`;
}
