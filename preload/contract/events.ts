import type { SessionStatus } from './dto/cluster.js';

/**
 * Every topic the renderer can subscribe to: topic name → [subscription parameters, payload].
 * A subscriber may assume payloads of one subscription arrive in order, numbered by `seq`; under
 * backpressure intermediate payloads may be dropped, never reordered (latest wins).
 */
export interface Events {
  'session.status': [params: null, payload: SessionStatus];
}

export type EventTopic = keyof Events;
export type EventParams<T extends EventTopic> = Events[T][0];
export type EventPayload<T extends EventTopic> = Events[T][1];
