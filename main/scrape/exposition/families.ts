// Family metadata of a text 0.0.4 exposition. Text families are declared by `# HELP` / `# TYPE`
// lines; samples name their family implicitly (`x_bucket` belongs to histogram `x`). Samples whose
// name resolves to no declared family form an `untyped` family of their own, as Prometheus
// records them.
import { ENTRY_HELP } from './parser.js';
import type { FamilyMeta } from './samples.js';

/** Suffixes a text sample may add to its family name, and the family types that allow each. */
const SUFFIX_TYPES: readonly [string, readonly FamilyMeta['type'][]][] = [
  ['_bucket', ['histogram']],
  ['_sum', ['histogram', 'summary']],
  ['_count', ['histogram', 'summary']],
  ['_total', ['counter']],
  ['_created', ['counter', 'histogram', 'summary']],
];

/** Collects text-format families; call `metadata` per HELP/TYPE line, `sampleName` per distinct sample name, then `finish`. */
export class TextFamilies {
  readonly #declared = new Map<string, FamilyMeta>();
  readonly #sampleNames = new Set<string>();

  metadata(kind: number, name: string, text: string): void {
    let family = this.#declared.get(name);
    if (!family) {
      family = { name, type: 'untyped' };
      this.#declared.set(name, family);
    }
    if (kind === ENTRY_HELP) family.help = text;
    else family.type = text as FamilyMeta['type'];
  }

  sampleName(name: string): void {
    this.#sampleNames.add(name);
  }

  /** Declared families in order of appearance, then undeclared sample names as untyped families. */
  finish(): FamilyMeta[] {
    const families = [...this.#declared.values()];
    for (const name of this.#sampleNames) {
      if (!this.#resolves(name)) families.push({ name, type: 'untyped' });
    }
    return families;
  }

  #resolves(name: string): boolean {
    if (this.#declared.has(name)) return true;
    for (const [suffix, types] of SUFFIX_TYPES) {
      if (!name.endsWith(suffix)) continue;
      const family = this.#declared.get(name.slice(0, -suffix.length));
      if (family && types.includes(family.type)) return true;
    }
    return false;
  }
}
