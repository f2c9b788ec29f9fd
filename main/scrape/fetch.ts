// One HTTP exchange of a scrape: request through a `ScrapeRequester`, check the status, inflate
// gzip/deflate while counting uncompressed bytes against the body limit (a gzip bomb stops at the
// limit with bounded memory), enforce the timeout, and hand back the body as one transferable
// Uint8Array with the exposition format chosen by Content-Type.
import { Readable } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { AppError } from '../util/app-error.js';
import { formatFromContentType } from './exposition/samples.js';
import type { ExpositionFormat } from './exposition/parser.js';
import { formatBytes, LimitError } from './limits.js';
import { SCRAPE_ACCEPT, requestError, type ScrapeRequester } from './requester.js';

/** A fetched body. */
export interface FetchedBody {
  /** Uncompressed body, at offset 0 of an ArrayBuffer of its own (transferable to a worker; may be longer than the body). */
  bytes: Uint8Array;
  /** Bytes received on the wire (compressed size when gzip was used). */
  wireBytes: number;
  contentType?: string;
  format: ExpositionFormat;
}

export interface FetchOptions {
  timeoutMs: number;
  /** Uncompressed size limit (0 = none). */
  bodySizeBytes: number;
  /** Aborts the fetch from outside (e.g. the loop stopping). */
  signal?: AbortSignal;
  acceptEncoding?: string;
  /**
   * A buffer from an earlier scrape to write the body into when it fits. A fresh 10 MB buffer per
   * scrape costs thousands of page faults on the main thread; Prometheus pools its scrape buffers
   * for the same reason (scrape.go, buffers sized by lastScrapeSize).
   */
  scratch?: ArrayBuffer;
}

/**
 * Fetches one scrape body. Throws `AppError` (HTTP status, network, timeout, encoding) or
 * `LimitError` (body_size_limit).
 */
export async function fetchScrapeBody(requester: ScrapeRequester, options: FetchOptions): Promise<FetchedBody> {
  const target = requester.describe();
  const controller = new AbortController();
  const timeoutSeconds = Math.round(options.timeoutMs) / 1000;
  const timer = setTimeout(
    () =>
      controller.abort(
        new AppError('timeout', `${target} did not answer completely within ${timeoutSeconds} s (the scrape timeout). The exporter may be slow or stuck.`),
      ),
    options.timeoutMs,
  );
  const onOuterAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const aborted = new Promise<never>((_, reject) => {
    const fail = () => reject(controller.signal.reason instanceof AppError ? controller.signal.reason : requestError(controller.signal.reason, target, controller.signal));
    if (controller.signal.aborted) fail();
    controller.signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const response = await Promise.race([
      requester.request({ accept: SCRAPE_ACCEPT, acceptEncoding: options.acceptEncoding ?? 'gzip', timeoutMs: options.timeoutMs, signal: controller.signal }),
      aborted,
    ]);
    if (response.statusCode !== 200) throw statusError(response.statusCode, target);
    const { bytes, wireBytes } = await Promise.race([readBody(response.body, response.contentEncoding, options.bodySizeBytes, target, options.scratch), aborted]);
    return { bytes, wireBytes, contentType: response.contentType, format: formatFromContentType(response.contentType) };
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof AppError) throw controller.signal.reason;
    if (error instanceof AppError || error instanceof LimitError) throw error;
    throw requestError(error, target, controller.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    // Ends the request and its socket if the body was not read to the end (error, limit, timeout).
    if (!controller.signal.aborted) controller.abort(new AppError('closed', `The request to ${target} was finished.`));
  }
}

/** The AppError for a non-200 answer. */
export function statusError(statusCode: number, target: string): AppError {
  if (statusCode === 401) return new AppError('unauthorized', `${target} answered 401 Unauthorized: the credentials were not accepted.`);
  if (statusCode === 403) return new AppError('forbidden', `${target} answered 403 Forbidden: this identity may not read the metrics.`);
  if (statusCode === 404) return new AppError('not-found', `${target} answered 404 Not Found: check the metrics path.`);
  if (statusCode >= 500) return new AppError('unavailable', `${target} answered HTTP ${statusCode}: the exporter has a problem of its own.`);
  return new AppError('bad-request', `${target} answered HTTP ${statusCode} instead of 200.`);
}

async function readBody(
  body: AsyncIterable<Uint8Array>,
  encoding: string | undefined,
  limit: number,
  target: string,
  scratch: ArrayBuffer | undefined,
): Promise<{ bytes: Uint8Array; wireBytes: number }> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  let wireBytes = 0;
  const keep = (chunk: Uint8Array) => {
    total += chunk.length;
    if (limit > 0 && total > limit) {
      throw new LimitError(
        'body_size_limit',
        `${target} sent more than ${formatBytes(limit)} of metrics (uncompressed), the body_size_limit; raise the target's body size limit if that is expected`,
      );
    }
    chunks.push(chunk);
  };
  const coding = (encoding ?? 'identity').trim().toLowerCase();
  if (coding === 'identity' || coding === '') {
    for await (const chunk of body) {
      wireBytes += chunk.length;
      keep(chunk);
    }
  } else if (coding === 'gzip' || coding === 'x-gzip' || coding === 'deflate') {
    const counted = (async function* () {
      for await (const chunk of body) {
        wireBytes += chunk.length;
        yield chunk;
      }
    })();
    const source = Readable.from(counted, { objectMode: false });
    const inflater = coding === 'deflate' ? createInflate() : createGunzip();
    source.once('error', (error) => inflater.destroy(error));
    source.pipe(inflater);
    try {
      for await (const chunk of inflater) keep(chunk as Uint8Array);
    } catch (error) {
      if (error instanceof LimitError || error instanceof AppError) throw error;
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('Z_')) {
        throw new AppError('parse', `${target} sent a ${coding} body that does not decompress (${(error as Error).message}).`, { cause: error });
      }
      throw error;
    } finally {
      source.destroy();
      inflater.destroy();
    }
  } else {
    throw new AppError('parse', `${target} answered with Content-Encoding "${coding}", which Slicewise cannot decode (gzip and deflate are supported).`);
  }
  // Room to grow by a quarter, so that the next scrapes of a slowly growing target fit too.
  const bytes =
    scratch && scratch.byteLength >= total ? new Uint8Array(scratch, 0, total) : new Uint8Array(new ArrayBuffer(Math.ceil((total * 1.25) / 65536) * 65536), 0, total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return { bytes, wireBytes };
}
