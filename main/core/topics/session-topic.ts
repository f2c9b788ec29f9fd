import type { ValueCell } from '../../stream/value-cell.js';
import { toDisposable, type Disposable } from '../../util/disposable.js';
import type { Session } from '../session.js';

/**
 * A topic computed from the open session's store and objects: `compute(session)` runs at once, then
 * again (throttled to `minIntervalMs`) whenever the store receives a scrape that `isRelevant`
 * accepts, or the session's targets change. Following a session switch, the old session's listeners
 * are dropped before the new one's are added; with no session, `empty` is emitted.
 */
export function sessionComputedTopic<T>(
  current: ValueCell<Session | null>,
  options: {
    compute: (session: Session) => T;
    empty: T;
    emit: (value: T) => void;
    isRelevant?: (session: Session, targetId: string) => boolean;
    minIntervalMs?: number;
  },
): Disposable {
  let inner: Disposable | null = null;
  const outer = current.subscribe((session) => {
    void inner?.dispose();
    inner = null;
    if (!session) {
      options.emit(options.empty);
      return;
    }
    let timer: NodeJS.Timeout | null = null;
    let lastMs = 0;
    let stopped = false;
    const run = () => {
      timer = null;
      if (stopped) return;
      lastMs = Date.now();
      options.emit(options.compute(session));
    };
    const schedule = () => {
      if (timer || stopped) return;
      timer = setTimeout(run, Math.max(0, (options.minIntervalMs ?? 250) - (Date.now() - lastMs)));
    };
    const appends = session.store.onAppend((event) => {
      if (!options.isRelevant || options.isRelevant(session, event.targetId)) schedule();
    });
    const targets = session.targets.subscribe(() => schedule());
    run();
    inner = toDisposable(() => {
      stopped = true;
      if (timer) clearTimeout(timer);
      void appends.dispose();
      void targets.dispose();
    });
  });
  return toDisposable(() => {
    void inner?.dispose();
    void outer.dispose();
  });
}
