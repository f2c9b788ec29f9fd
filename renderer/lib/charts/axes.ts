import { formatValue, type Unit } from '../format/units.js';

/** Tick labels for a value axis in the axis' unit (uPlot `axes[].values`). */
export function valueTicks(unit: Unit): (self: unknown, ticks: number[]) => string[] {
  return (_self, ticks) => ticks.map((tick) => formatValue(tick, unit));
}

/** Axis label text, e.g. "memory (bytes)"; short enough for the rotated y label. */
export function axisLabel(unit: Unit): string {
  switch (unit) {
    case 'bytes':
      return 'bytes';
    case 'bytesPerSecond':
      return 'bytes/s';
    case 'cores':
      return 'CPU cores';
    case 'share':
      return 'share';
    case 'seconds':
      return 'seconds';
    case 'count':
      return 'count';
    case 'none':
      return '';
  }
}

/**
 * A palette that reads on both themes; chosen for distinguishable hues rather than meaning. Request
 * and limit lines use their own fixed colours so they look the same on every chart.
 */
export const SERIES_COLOURS = ['#4c8bf5', '#e8743b', '#19a979', '#945ecf', '#ed4a7b', '#13a4b4', '#bf8b2e', '#6c8893'];
export const REQUEST_COLOUR = '#19a979';
export const LIMIT_COLOUR = '#e5484d';
