/**
 * The dashboard's charts (Apache ECharts, tree-shaken to what is drawn here; its zh-CN locale built in). Charts are
 * pictures of the figures: 万元 as JavaScript numbers is fine for a bar's height; the exact figures are the tables.
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'preact/hooks';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

/** One chart in a div; re-drawn when the option changes, resized with the window, disposed with the page. */
export function Chart({ option, testId, height = 300 }: { option: ChartOption; testId: string; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    chart.current = echarts.init(el.current!, undefined, { locale: 'ZH', renderer: 'canvas' });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={el} class="chart" style={{ height: `${height}px` }} data-testid={testId} />;
}

/** fen (a decimal string) → 万元 as a number, for drawing only. */
export const wanNumber = (fen: string) => Number(BigInt(fen) / 100n) / 10_000;
