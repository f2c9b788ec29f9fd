/**
 * Deterministic names and ids for simulated objects. A seeded PRNG (mulberry32) makes a scenario
 * produce the same pod names and UIDs on every run, which keeps demos and failure messages stable;
 * replacements still get fresh names because the generator keeps advancing.
 */

/** The alphabet Kubernetes uses for generated name suffixes (apimachinery util/rand: no vowels, no 0/1/3). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export class NameSource {
  #state: number;

  constructor(seed: string) {
    this.#state = fnv1a(seed) || 0x9e3779b9;
  }

  /** A float in [0, 1). */
  next(): number {
    // mulberry32
    this.#state = (this.#state + 0x6d2b79f5) | 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An RFC 4122 version-4-shaped UUID. */
  uid(): string {
    const hex = this.hex(32).split('');
    hex[12] = '4';
    hex[16] = '89ab'[Math.floor(this.next() * 4)];
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** Lower-case hex digits, e.g. 64 for a container id. */
  hex(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += '0123456789abcdef'[Math.floor(this.next() * 16)];
    return out;
  }

  /** The 5-character random suffix of ReplicaSet and DaemonSet pod names. */
  suffix(length = 5): string {
    let out = '';
    for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[Math.floor(this.next() * SUFFIX_ALPHABET.length)];
    return out;
  }
}

/** FNV-1a 32-bit hash of a string. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A stable pod-template-hash-like string (up to 10 characters of the suffix alphabet) for an input,
 * e.g. the JSON of a pod template, so a Deployment keeps its ReplicaSet name across runs.
 */
export function templateHash(input: string, length = 10): string {
  let a = fnv1a(input);
  let b = fnv1a(`${input}#`);
  let out = '';
  for (let i = 0; i < length; i++) {
    const source = i % 2 === 0 ? a : b;
    out += SUFFIX_ALPHABET[source % SUFFIX_ALPHABET.length];
    if (i % 2 === 0) a = Math.floor(a / SUFFIX_ALPHABET.length) ^ (i * 2654435761);
    else b = Math.floor(b / SUFFIX_ALPHABET.length) ^ (i * 40503);
    a >>>= 0;
    b >>>= 0;
  }
  return out;
}
