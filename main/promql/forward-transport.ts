import type { ForwardKey, PortForwards } from '../transport/port-forward.js';
import { AppError } from '../util/app-error.js';
import type { PrometheusTransport } from './client.js';
import { directTransport } from './direct-transport.js';

/**
 * Reaches Prometheus through a local port-forward to one of its ready pods, the fallback when the
 * service proxy is refused. `pod()` is asked at every request, so a replaced pod (a new StatefulSet
 * generation, a rescheduled Deployment pod) is picked up without reconnecting by hand.
 */
export function portForwardTransport(forwards: PortForwards, pod: () => ForwardKey | undefined, describe: string): PrometheusTransport {
  return async (pathAndQuery, init) => {
    const key = pod();
    if (!key) throw new AppError('unavailable', `No ready pod backs ${describe}, so there is nothing to port-forward to.`);
    const localPort = await forwards.localPort(key);
    try {
      return await directTransport(`http://127.0.0.1:${localPort}`)(pathAndQuery, init);
    } catch (error) {
      // "socket hang up" is a symptom; the forward knows the cause (RBAC, a vanished pod).
      const cause = forwards.lastError(key);
      if (cause && !init.signal?.aborted) throw cause;
      if (error instanceof AppError) throw new AppError(error.code, error.message.replace(`http://127.0.0.1:${localPort}`, `${key.namespace}/${key.pod}:${key.port} (port-forward)`), { hint: error.hint });
      throw error;
    }
  };
}
