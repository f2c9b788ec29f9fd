// Entry of the parse worker (bundled to out/main/parse-worker.cjs). It keeps one decoder per target
// and answers each decode with columns, transferring the typed arrays back. Protocol types are in
// ../parse-runner.ts.
import { parentPort } from 'node:worker_threads';
import { serializeError, type WorkerRequest, type WorkerResponse } from '../parse-runner.js';
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
      const result = decoders.decode(request.job);
      response = { id: request.id, ok: true, result };
      transfer = [result.refs.buffer, result.values.buffer, result.timestampsMs.buffer, result.announced.layout.buffer].filter((buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer);
    } catch (error) {
      response = { id: request.id, ok: false, error: serializeError(error) };
    }
    port.postMessage(response, transfer);
  });
}
