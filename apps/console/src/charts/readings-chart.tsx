import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface ChartSeries {
  readonly name: string;
  readonly unit?: string;
  /** [epoch ms, value], any order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A line per device and measure, on a time axis in the city's time zone. */
export function ReadingsChart({ series, openedAt, from }: { readonly series: readonly ChartSeries[]; readonly openedAt: number; readonly from: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const c = echarts.init(el.current!, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current!);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        grid: { left: 44, right: 12, top: 28, bottom: 24 },
        legend: { top: 0, type: 'scroll', textStyle: { fontSize: 11 } },
        tooltip: { trigger: 'axis' },
        xAxis: {
          type: 'time',
          min: from,
          max: () => Date.now(),
          axisLabel: {
            fontSize: 10,
            formatter: (v: number) => new Date(v + 7 * 3_600_000).toISOString().slice(11, 16),
          },
        },
        yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
        series: series.map((s, i) => ({
          name: s.unit ? `${s.name} (${s.unit})` : s.name,
          type: 'line',
          // Few readings (a sensor reporting on change): show the points themselves.
          showSymbol: s.points.length < 30,
          data: [...s.points].sort((a, b) => a[0] - b[0]).map((p) => [...p]),
          ...(i === 0 ? { markLine: { symbol: 'none', silent: true, lineStyle: { color: '#d64545', type: 'dashed' }, label: { show: false }, data: [{ xAxis: openedAt }] } } : {}),
        })),
      },
      { notMerge: true },
    );
  }, [series, openedAt, from]);

  return <div ref={el} className="readings-chart" data-testid="readings-chart" data-series={series.length} />;
}
