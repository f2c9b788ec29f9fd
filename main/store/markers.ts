// Sample markers stored inside the Float64 value rings, as NaN payloads (the Prometheus approach:
// StaleNaN = 0x7ff0000000000002, model/value/value.go). Both patterns have the quiet bit clear, so
// no arithmetic or parsing ever produces them; they are written and recognised through a Uint32Array
// view of the same memory, never through float registers. Real NaN samples are stored as they come
// (quiet NaNs) and stay distinguishable.
//
// STALE: the series was present in the previous scrape and is gone in this one (or the scrape
// failed): a gap starts here. ABSENT: no sample in this scrape slot.

/** Low and high 32-bit words (little-endian) of the stale marker. */
export const STALE_LO = 0x00000002;
export const STALE_HI = 0x7ff00000;
/** Low and high 32-bit words of the "no sample in this slot" marker. */
export const ABSENT_LO = 0x00000001;
export const ABSENT_HI = 0x7ff00000;

/** Slot contents as read back: a value, a stale marker or nothing. */
export const SLOT_VALUE = 0;
export const SLOT_STALE = 1;
export const SLOT_ABSENT = 2;

if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('Slicewise stores sample markers assuming a little-endian CPU');
}

/** Classifies slot `index` of a ring whose Float64 view is `values` and Uint32 view is `words`. */
export function slotKind(values: Float64Array, words: Uint32Array, index: number): number {
  const value = values[index];
  if (value === value) return SLOT_VALUE;
  const hi = words[2 * index + 1];
  const lo = words[2 * index];
  if (hi === STALE_HI && lo === STALE_LO) return SLOT_STALE;
  if (hi === ABSENT_HI && lo === ABSENT_LO) return SLOT_ABSENT;
  return SLOT_VALUE;
}

/** Writes the stale marker into slot `index`. */
export function writeStale(words: Uint32Array, index: number): void {
  words[2 * index] = STALE_LO;
  words[2 * index + 1] = STALE_HI;
}

/** Writes the absent marker into slot `index`. */
export function writeAbsent(words: Uint32Array, index: number): void {
  words[2 * index] = ABSENT_LO;
  words[2 * index + 1] = ABSENT_HI;
}
