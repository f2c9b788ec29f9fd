import type { Bridge, EventParams, EventPayload, EventTopic } from '../../../preload/contract/index.js';

/**
 * The latest payload of one subscription as reactive state. Payloads are replaced, never mutated
 * (`$state.raw`), so a 1,000-row update costs one assignment, not a deep proxy.
 */
export class TopicState<T extends EventTopic> {
  value = $state.raw<EventPayload<T> | null>(null);
  ended = $state<string | null>(null);
  readonly #stop: () => void;

  constructor(bridge: Bridge, topic: T, params: EventParams<T>) {
    this.#stop = bridge.subscribe(
      topic,
      params,
      (payload) => {
        this.value = payload;
      },
      (error) => {
        this.ended = error?.message ?? 'The subscription ended.';
      },
    );
  }

  stop(): void {
    this.#stop();
  }
}

/** Subscribes for the lifetime of the calling component (call during component setup). */
export function useTopic<T extends EventTopic>(bridge: Bridge, topic: T, params: EventParams<T>): TopicState<T> {
  const state = new TopicState(bridge, topic, params);
  $effect(() => () => state.stop());
  return state;
}
