import { formatGoFloat, type ExpositionTemplate } from './exposition-template.js';

/**
 * Re-renders a recorded exposition so it looks live: counters grow in proportion to elapsed time,
 * gauges stay as recorded, explicit timestamps move to "now" (keeping their spread relative to the
 * newest one). Everything but the numbers is byte-identical to the recording.
 */
export interface AdvanceOptions {
  /** When the simulation started (epoch ms); counters equal the recording at this instant. */
  readonly startMs: number;
  /**
   * How long the recorded process had been running when recorded (s). A counter's rate is its
   * recorded value divided by this, i.e. its lifetime average (invented: the recordings carry no
   * reliable uptime).
   */
  readonly assumedUptimeSec?: number;
  /** Caps CPU-seconds counters' rate (cores). */
  readonly cores?: number;
}

const CPU_SECONDS = /cpu.*seconds_total$/;

/** A counter's value `elapsedSec` after the recording, given its lifetime-average rate. */
export function advanceCounter(base: number, ratePerSec: number, elapsedSec: number, integer: boolean): number {
  if (!Number.isFinite(base) || ratePerSec <= 0 || elapsedSec <= 0) return base;
  const increment = ratePerSec * elapsedSec;
  // Integral counters (bytes, events) stay integral; others keep nanosecond precision as cgroups report.
  return integer ? base + Math.floor(increment) : Math.round((base + increment) * 1e9) / 1e9;
}

export class AdvancingExposition {
  readonly #template: ExpositionTemplate;
  readonly #startMs: number;
  readonly #rates: Float64Array;
  readonly #integer: Uint8Array;

  constructor(template: ExpositionTemplate, options: AdvanceOptions) {
    this.#template = template;
    this.#startMs = options.startMs;
    const uptimeSec = options.assumedUptimeSec ?? 86_400;
    const cores = options.cores ?? 4;
    this.#rates = new Float64Array(template.sampleCount);
    this.#integer = new Uint8Array(template.sampleCount);
    let index = 0;
    for (const family of template.families) {
      for (const sample of family.samples) {
        if (family.type === 'counter' && Number.isFinite(sample.value) && sample.value > 0) {
          let rate = sample.value / uptimeSec;
          if (CPU_SECONDS.test(sample.name)) rate = Math.min(rate, cores);
          this.#rates[index] = rate;
          this.#integer[index] = Number.isInteger(sample.value) ? 1 : 0;
        }
        index++;
      }
    }
  }

  render(nowMs: number): string {
    const template = this.#template;
    const elapsedSec = Math.max(0, (nowMs - this.#startMs) / 1000);
    const out: string[] = [];
    let index = 0;
    for (const family of template.families) {
      for (const line of family.header) out.push(line);
      for (const sample of family.samples) {
        const value = advanceCounter(sample.value, this.#rates[index], elapsedSec, this.#integer[index] === 1);
        let line = sample.prefix + formatGoFloat(value);
        if (sample.tsMs !== null && template.maxTsMs !== null) {
          line += sample.tsSeparator + String(Math.round(nowMs - (template.maxTsMs - sample.tsMs)));
        }
        out.push(line);
        index++;
      }
    }
    for (const line of template.trailer) out.push(line);
    return out.join('\n') + '\n';
  }
}
