// A live line chart (uPlot): `series` is [{label, color}], `data` is [times (s), values...] as
// uPlot wants them. The chart follows its container's width; new data is drawn without
// re-creating the chart. The canvas has a text alternative: the latest value of each series.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

export function RateChart({ series, data, title, height = 200 }) {
  const host = useRef(null);
  const plot = useRef(null);
  const key = series.map((s) => s.label).join('\u0001');
  useEffect(() => {
    const opts = {
      width: Math.max(host.current.clientWidth, 200),
      height,
      title,
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [{}, { label: 'msg/s', size: 60 }],
      series: [{}, ...series.map((s, i) => ({ label: s.label, stroke: s.color || PALETTE[i % PALETTE.length], width: 2, points: { show: false } }))],
    };
    plot.current = new uPlot(opts, data, host.current);
    const ro = new ResizeObserver(() => {
      if (plot.current && host.current) plot.current.setSize({ width: Math.max(host.current.clientWidth, 200), height });
    });
    ro.observe(host.current);
    return () => { ro.disconnect(); plot.current.destroy(); plot.current = null; };
  }, [key, height, title]);
  useEffect(() => {
    if (plot.current) plot.current.setData(data);
  }, [data]);
  const last = series.map((s, i) => {
    const col = data[i + 1] || [];
    const v = col.length ? col[col.length - 1] : null;
    return `${s.label}: ${v == null ? 'no data' : v.toFixed(1) + ' msg/s'}`;
  }).join('; ');
  return <figure class="chart" data-points={data[0] ? data[0].length : 0}><div ref={host} role="img" aria-label={(title || 'rates') + ': ' + last} /></figure>;
}
