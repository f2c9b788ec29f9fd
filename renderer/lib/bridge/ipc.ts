import { BridgeError, type Bridge, type ConnectionState, type PreloadApi, type ServerMessage, type WireError } from '../../../preload/contract/index.js';

type Outcome = { ok: true; result: unknown } | { ok: false; error: WireError };

/** The desktop transport: the preload's two functions, which never disconnect. */
export function createIpcBridge(preload: PreloadApi): Bridge {
  return {
    async call(method, arg) {
      const outcome = (await preload.call(method, arg)) as Outcome;
      if (!outcome.ok) throw new BridgeError(outcome.error);
      return outcome.result as never;
    },
    subscribe(topic, params, onPayload, onEnded) {
      let unsubscribe: (() => void) | null = null;
      let cancelled = false;
      void preload
        .subscribe(topic, params, (message) => {
          const typed = message as ServerMessage;
          if (typed.kind === 'event') onPayload(typed.payload as never);
          else if (typed.kind === 'ended') onEnded?.(typed.error);
        })
        .then((stop) => {
          if (cancelled) stop();
          else unsubscribe = stop;
        });
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    },
    onConnectionChange(listener: (state: ConnectionState) => void) {
      listener('open');
      return () => undefined;
    },
  };
}
