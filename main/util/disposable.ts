/** Anything that was started and can be stopped. `dispose` is idempotent and may be async. */
export interface Disposable {
  dispose(): void | Promise<void>;
}

export function toDisposable(fn: () => void | Promise<void>): Disposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      return fn();
    },
  };
}

/**
 * Owns a set of disposables and disposes them in reverse order of addition, so that things are
 * torn down before what they depend on. Disposing twice is a no-op; adding after disposal disposes
 * the newcomer at once (a late callback must not leak a timer or a socket).
 */
export class DisposableStore implements Disposable {
  #items: Disposable[] = [];
  #disposed = false;

  get isDisposed(): boolean {
    return this.#disposed;
  }

  add<T extends Disposable>(item: T): T {
    if (this.#disposed) {
      void Promise.resolve(item.dispose()).catch(() => undefined);
      return item;
    }
    this.#items.push(item);
    return item;
  }

  /** Disposes and forgets one item that was added earlier. */
  async delete(item: Disposable): Promise<void> {
    const index = this.#items.indexOf(item);
    if (index >= 0) this.#items.splice(index, 1);
    await item.dispose();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const items = this.#items.reverse();
    this.#items = [];
    const errors: unknown[] = [];
    for (const item of items) {
      try {
        await item.dispose();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
  }
}
