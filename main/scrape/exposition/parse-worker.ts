// Entry of the parse worker (bundled to out/main/parse-worker.cjs). It keeps one decoder per target
// and answers each decode with columns, transferring the typed arrays back. Protocol types are in
// ../parse-runner.ts.
import { parentPort } from 'node:worker_threads';
import { serializeError, type RunnerResult, type WorkerRequest, type WorkerResponse } from '../parse-runner.js';
import { TargetDecoders } from './target-decoders.js';

const decoders = new TargetDecoders();

if (parentPort) {
  const port = parentPort;
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'forget') {
      decoders.forget(request.targetId);
      return;
    }
    let response: WorkerResponse;
    let transfer: ArrayBuffer[] = [];
    try {
      const result: RunnerResult = decoders.decode(request.job);
      // The body's buffer goes back too, for the next scrape of this target.
      const input = request.job.bytes;
      if (input.byteOffset === 0 && input.buffer instanceof ArrayBuffer) result.spareBuffer = input.buffer;
      response = { id: request.id, ok: true, result };
      transfer = [result.refs.buffer, result.values.buffer, result.timestampsMs.buffer, result.announced.layout.buffer, result.spareBuffer].filter(
        (buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer,
      );
    } catch (error) {
      response = { id: request.id, ok: false, error: serializeError(error) };
    }
    port.postMessage(response, transfer);
  });
}
