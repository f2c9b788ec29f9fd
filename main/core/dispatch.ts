import {
  API_ARG_SCHEMAS,
  EVENT_PARAM_SCHEMAS,
  checkSchema,
  isApiMethod,
  isEventTopic,
  type ApiArg,
  type ApiMethod,
  type ApiResult,
  type EventParams,
  type EventPayload,
  type EventTopic,
  type WireError,
} from '../../preload/contract/index.js';
import { AppError, toWireError } from '../util/app-error.js';
import type { Disposable } from '../util/disposable.js';
import type { Logger } from '../util/log.js';

export type ApiHandlers = {
  [M in ApiMethod]: (arg: ApiArg<M>) => Promise<ApiResult<M>> | ApiResult<M>;
};

/** A topic starts producing when subscribed and stops when the returned disposable is disposed. */
export type TopicProviders = {
  [T in EventTopic]: (params: EventParams<T>, emit: (payload: EventPayload<T>) => void) => Disposable;
};

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: WireError };

/**
 * The single entry point both bridges (IPC and WebSocket) use. Names and arguments are checked
 * against the contract here, so a bridge cannot forget to; errors leave as `WireError` only.
 */
export class Dispatcher {
  readonly #handlers: ApiHandlers;
  readonly #topics: TopicProviders;
  readonly #log: Logger;

  constructor(handlers: ApiHandlers, topics: TopicProviders, log: Logger) {
    this.#handlers = handlers;
    this.#topics = topics;
    this.#log = log;
  }

  async call(method: unknown, arg: unknown): Promise<CallOutcome> {
    if (!isApiMethod(method)) {
      return { ok: false, error: { code: 'bad-request', message: `Unknown call ${JSON.stringify(String(method)).slice(0, 80)}.` } };
    }
    const problem = checkSchema(API_ARG_SCHEMAS[method], arg);
    if (problem) return { ok: false, error: { code: 'bad-request', message: `${method}: ${problem}.` } };
    try {
      const handler = this.#handlers[method] as (arg: unknown) => unknown;
      return { ok: true, result: await handler(arg ?? null) };
    } catch (error) {
      if (!(error instanceof AppError)) this.#log.error(`call ${method} failed`, error);
      return { ok: false, error: toWireError(error) };
    }
  }

  /**
   * Checks a subscription request and returns the function that starts it. Throws
   * `AppError('bad-request')` for unknown topics or bad parameters, before anything starts, so a
   * bridge can acknowledge the request and only then start the flow of payloads.
   */
  prepareSubscription(topic: unknown, params: unknown): (emit: (payload: unknown) => void) => Disposable {
    if (!isEventTopic(topic)) {
      throw new AppError('bad-request', `Unknown topic ${JSON.stringify(String(topic)).slice(0, 80)}.`);
    }
    const problem = checkSchema(EVENT_PARAM_SCHEMAS[topic], params);
    if (problem) throw new AppError('bad-request', `${topic}: ${problem}.`);
    const provider = this.#topics[topic] as (params: unknown, emit: (payload: unknown) => void) => Disposable;
    return (emit) =>
      provider(params ?? null, (payload) => {
        try {
          emit(payload);
        } catch (error) {
          this.#log.warn(`delivering ${topic} failed`, error);
        }
      });
  }
}
