/** Units a chart's value axis can be in; the renderer formats ticks and legends from it. */
export type ChartUnit = 'bytes' | 'bytesPerSecond' | 'cores' | 'share' | 'count' | 'seconds' | 'none';

/** One line of a chart. Reference lines (requests, limits) are drawn dashed. */
export interface ChartLine {
  label: string;
  /** `request` and `limit` lines are constant references, drawn dashed in fixed colours. */
  role?: 'data' | 'request' | 'limit';
}

/**
 * A small chart, ready for uPlot: `xs` in epoch ms and one `ys` column per line (same length as
 * `xs`), `null` for gaps. Every panel carries its own `xs` because the series of one panel come
 * from one cgroup or target and share its sample times, while panels may not.
 */
export interface ChartPanel {
  id: string;
  title: string;
  unit: ChartUnit;
  lines: ChartLine[];
  xs: number[];
  ys: (number | null)[][];
}
