// Where scrapes are parsed. A 10 MB cAdvisor scrape takes tens of milliseconds to parse the first
// time; done on the main thread that would stall the UI and the other loops, so when the bundled
// worker (out/main/parse-worker.cjs) exists, parsing runs there and only columns (transferable
// typed arrays) come back. When it does not (vitest runs the TypeScript sources), parsing runs
// inline with the same code. Each target's decoder, with its series-key cache, lives where its
// scrapes are parsed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AppError } from '../util/app-error.js';
import type { DecodedScrape } from './exposition/decoder.js';
import { ParseError } from './exposition/parser.js';
import { TargetDecoders, type DecodeJob } from './exposition/target-decoders.js';
import { LimitError } from './limits.js';

export type { DecodeJob } from './exposition/target-decoders.js';

/** A decoded scrape, plus the body's buffer when it can be reused for the next scrape. */
export type RunnerResult = DecodedScrape & { spareBuffer?: ArrayBuffer };

/** Parses scrapes for many targets. */
export interface ParseRunner {
  readonly kind: 'inline' | 'worker';
  /**
   * Decodes one scrape; rejects with ParseError, LimitError or AppError. `job.bytes` may be
   * transferred (unusable afterwards); its buffer comes back as `spareBuffer` for reuse.
   */
  decode(job: DecodeJob): Promise<RunnerResult>;
  /** Drops a target's decoder (its cache); the next scrape starts fresh with a new epoch. */
  forget(targetId: string): void;
  dispose(): Promise<void>;
}

/** Parses on the calling thread. */
export class InlineParseRunner implements ParseRunner {
  readonly kind = 'inline';
  readonly #decoders = new TargetDecoders();

  async decode(job: DecodeJob): Promise<RunnerResult> {
    const result: RunnerResult = this.#decoders.decode(job);
    if (job.bytes.buffer instanceof ArrayBuffer && job.bytes.byteOffset === 0) result.spareBuffer = job.bytes.buffer;
    return result;
  }

  forget(targetId: string): void {
    this.#decoders.forget(targetId);
  }

  async dispose(): Promise<void> {
    this.#decoders.clear();
  }
}

/** Messages to the worker. */
export type WorkerRequest =
  | { type: 'decode'; id: number; job: DecodeJob }
  | { type: 'forget'; targetId: string };

/** Messages from the worker. */
export type WorkerResponse =
  | { id: number; ok: true; result: RunnerResult }
  | { id: number; ok: false; error: SerializedError };

/** An error as it crosses the worker boundary. */
export interface SerializedError {
  kind: 'parse' | 'limit' | 'app' | 'other';
  message: string;
  line?: number;
  column?: number;
  limit?: LimitError['limit'];
  code?: AppError['code'];
}

/** Flattens the errors a decode can throw, for postMessage. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof ParseError) return { kind: 'parse', message: error.message, line: error.line, column: error.column };
  if (error instanceof LimitError) return { kind: 'limit', message: error.message, limit: error.limit };
  if (error instanceof AppError) return { kind: 'app', message: error.message, code: error.code };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** Rebuilds an error flattened by `serializeError`. */
export function deserializeError(error: SerializedError): Error {
  switch (error.kind) {
    case 'parse':
      return new ParseError(error.message, error.line ?? 0, error.column ?? 0);
    case 'limit':
      return new LimitError(error.limit ?? 'sample_limit', error.message);
    case 'app':
      return new AppError(error.code ?? 'internal', error.message);
    default:
      return new AppError('internal', `Parsing failed inside the parse worker: ${error.message}`);
  }
}

interface WorkerSlot {
  worker: Worker | null;
  pending: Map<number, { resolve: (result: RunnerResult) => void; reject: (error: Error) => void }>;
}

/**
 * Parses in worker threads running the bundled `parse-worker.cjs`. Targets stick to one worker
 * (their caches live there). A crashed worker fails its pending jobs and is replaced on the next
 * job, with empty caches.
 */
export class WorkerParseRunner implements ParseRunner {
  readonly kind = 'worker';
  readonly #workerPath: string;
  readonly #slots: WorkerSlot[];
  #nextId = 1;
  #disposed = false;

  constructor(workerPath: string, options: { workers?: number } = {}) {
    this.#workerPath = workerPath;
    const count = Math.max(1, options.workers ?? 1);
    this.#slots = Array.from({ length: count }, () => ({ worker: null, pending: new Map() }));
  }

  decode(job: DecodeJob): Promise<RunnerResult> {
    if (this.#disposed) return Promise.reject(new AppError('closed', 'The parse worker was stopped.'));
    const slot = this.#slotFor(job.targetId);
    const worker = this.#workerFor(slot);
    const id = this.#nextId++;
    return new Promise<RunnerResult>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      worker.ref();
      const bytes = job.bytes;
      // Transfer the body's buffer when the body starts it (the worker sends it back for reuse); otherwise it is copied.
      const transfer = bytes.byteOffset === 0 && bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [];
      const message: WorkerRequest = { type: 'decode', id, job };
      worker.postMessage(message, transfer);
    });
  }

  forget(targetId: string): void {
    const slot = this.#slotFor(targetId);
    const message: WorkerRequest = { type: 'forget', targetId };
    slot.worker?.postMessage(message);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    await Promise.all(
      this.#slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.#failPending(slot, new AppError('closed', 'The parse worker was stopped.'));
        if (worker) await worker.terminate();
      }),
    );
  }

  #slotFor(targetId: string): WorkerSlot {
    let hash = 0;
    for (let i = 0; i < targetId.length; i++) hash = (Math.imul(hash, 31) + targetId.charCodeAt(i)) | 0;
    return this.#slots[(hash >>> 0) % this.#slots.length];
  }

  #workerFor(slot: WorkerSlot): Worker {
    if (slot.worker) return slot.worker;
    const worker = new Worker(this.#workerPath);
    slot.worker = worker;
    worker.unref();
    worker.on('message', (response: WorkerResponse) => {
      const pending = slot.pending.get(response.id);
      if (!pending) return;
      slot.pending.delete(response.id);
      if (slot.pending.size === 0) worker.unref();
      if (response.ok) pending.resolve(response.result);
      else pending.reject(deserializeError(response.error));
    });
    const lost = (reason: string) => {
      if (slot.worker === worker) slot.worker = null;
      this.#failPending(slot, new AppError('internal', `The parse worker ${reason}; the scrape will be retried with a fresh worker.`));
    };
    worker.on('error', (error) => lost(`crashed (${error.message})`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    return worker;
  }

  #failPending(slot: WorkerSlot, error: Error): void {
    const pending = [...slot.pending.values()];
    slot.pending.clear();
    for (const { reject } of pending) reject(error);
  }
}

/**
 * The bundled worker next to the running bundle: out/main/parse-worker.cjs from the Electron and
 * CLI bundles (same folder), or from bundles one folder over (out/test/bench.cjs). Undefined when
 * running from TypeScript sources.
 */
export function locateParseWorker(): string | undefined {
  if (typeof __dirname === 'undefined') return undefined;
  for (const candidate of [join(__dirname, 'parse-worker.cjs'), join(__dirname, '..', 'main', 'parse-worker.cjs')]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** The worker runner when the bundled worker exists, else the inline one. */
export function createParseRunner(options: { workerPath?: string | null; workers?: number } = {}): ParseRunner {
  const path = options.workerPath === null ? undefined : (options.workerPath ?? locateParseWorker());
  return path ? new WorkerParseRunner(path, { workers: options.workers }) : new InlineParseRunner();
}
