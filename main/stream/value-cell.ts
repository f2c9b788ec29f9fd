import { toDisposable, type Disposable } from '../util/disposable.js';

/**
 * Holds the latest value of something and tells subscribers: the current value at once, then every
 * change, in order. Suits state-like topics (session status, target health) where a late
 * subscriber needs the present, not the history.
 */
export class ValueCell<T> {
  #value: T;
  readonly #listeners = new Set<(value: T) => void>();

  constructor(initial: T) {
    this.#value = initial;
  }

  get value(): T {
    return this.#value;
  }

  set(value: T): void {
    this.#value = value;
    for (const listener of [...this.#listeners]) listener(value);
  }

  subscribe(listener: (value: T) => void): Disposable {
    this.#listeners.add(listener);
    listener(this.#value);
    return toDisposable(() => {
      this.#listeners.delete(listener);
    });
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }
}
