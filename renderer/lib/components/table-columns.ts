/** A column of DataTable / TreeTable. `sortValue` decides order; `text` is what the cell shows. */
export interface Column<Row> {
  id: string;
  label: string;
  /** Tooltip on the header: what the figure is and where it comes from. */
  title?: string;
  text: (row: Row) => string;
  sortValue?: (row: Row) => number | string | null;
  align?: 'left' | 'right';
  /** CSS width, e.g. '120px' or '1fr'. */
  width?: string;
  /** Optional class per cell, e.g. to colour a health badge. */
  cellClass?: (row: Row) => string;
}

export type SortDirection = 'asc' | 'desc';

/**
 * Compares two sort values: absent values always sort last, whichever the direction, so "not
 * reported" never masquerades as the smallest or the largest figure.
 */
export function compareSortValues(a: number | string | null, b: number | string | null, direction: SortDirection): number {
  const aAbsent = a === null || (typeof a === 'number' && Number.isNaN(a));
  const bAbsent = b === null || (typeof b === 'number' && Number.isNaN(b));
  if (aAbsent || bAbsent) return aAbsent === bAbsent ? 0 : aAbsent ? 1 : -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true });
  return direction === 'asc' ? order : -order;
}

/** Rows of a windowed list that intersect the viewport, with an overscan on both sides. */
export function visibleWindow(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = 8): { start: number; end: number } {
  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(rowCount, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { start, end: Math.max(start, end) };
}
