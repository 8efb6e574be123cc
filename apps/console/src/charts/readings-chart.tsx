import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, CanvasRenderer]);

export interface ChartSeries {
  /** The device. */
  readonly name: string;
  /** The reading field drawn (`levelCm`). */
  readonly measure: string;
  readonly unit?: string;
  /** [epoch ms, value], any order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A line per device and measure, on a time axis in the city's time zone. */
export function ReadingsChart({
  series,
  openedAt,
  from,
}: {
  readonly series: readonly ChartSeries[];
  readonly openedAt: number;
  readonly from: number;
}) {
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
        grid: { left: 44, right: 12, top: 44, bottom: 24 },
        legend: { top: 0, left: 0, type: 'scroll', textStyle: { fontSize: 11 } },
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
        // One measure for every line (the usual case): named on the axis, the legend names only the devices.
        yAxis: {
          type: 'value',
          scale: true,
          axisLabel: { fontSize: 10 },
          name: axisName(series),
          nameTextStyle: { fontSize: 10, align: 'left' },
        },
        series: series.map((s, i) => ({
          name: new Set(series.map((x) => x.measure)).size === 1 ? s.name : `${s.name} · ${s.measure}`,
          type: 'line',
          // Few readings (a sensor reporting on change): show the points themselves.
          showSymbol: s.points.length < 30,
          data: [...s.points].sort((a, b) => a[0] - b[0]).map((p) => [...p]),
          ...(i === 0
            ? {
                markLine: {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { color: '#d64545', type: 'dashed' },
                  label: { show: false },
                  data: [{ xAxis: openedAt }],
                },
              }
            : {}),
        })),
      },
      { notMerge: true },
    );
  }, [series, openedAt, from]);

  return <div ref={el} className="readings-chart" data-testid="readings-chart" data-series={series.length} />;
}

function axisName(series: readonly ChartSeries[]): string {
  const measures = new Set(series.map((s) => s.measure));
  if (measures.size !== 1) return '';
  const unit = series.find((s) => s.unit)?.unit;
  return unit ? `${series[0].measure} (${unit})` : series[0].measure;
}
