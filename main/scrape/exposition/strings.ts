// String helpers for strings that outlive one scrape.
//
// `text.slice()` in V8 returns a "sliced string" that points into its parent, so keeping one label
// value from a 10 MB scrape would keep the whole 10 MB alive. Strings that are cached across scrapes
// (series keys, label names and values) are copied into fresh flat strings first. A flat copy also
// matters for speed: comparing a slice of the next scrape against a flat cached key is a memcmp,
// several times faster than against another sliced string (measured in test/bench).
import { Buffer } from 'node:buffer';

/**
 * A flat copy of `value` that shares no memory with the string it was sliced from. Lone UTF-16
 * surrogates (impossible in text decoded from UTF-8) would become U+FFFD.
 */
export function detachString(value: string): string {
  // V8 copies substrings shorter than 13 characters (SlicedString::kMinLength) instead of slicing.
  if (value.length < 13) return value;
  return Buffer.from(value, 'utf8').toString('utf8');
}

/** Number of bytes `value` takes in UTF-8 (lone surrogates count as 3, as TextEncoder writes U+FFFD). */
export function utf8ByteLength(value: string): number {
  let bytes = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i++;
    } else bytes += 2;
  }
  return bytes;
}

/** Deduplicates strings (label names and values repeat across series) and detaches them. */
export class StringInterner {
  readonly #strings = new Map<string, string>();

  intern(value: string): string {
    let kept = this.#strings.get(value);
    if (kept === undefined) {
      kept = detachString(value);
      this.#strings.set(kept, kept);
    }
    return kept;
  }

  get size(): number {
    return this.#strings.size;
  }

  clear(): void {
    this.#strings.clear();
  }
}
