import { followSessionFeed, Recompute } from '../../stream/session-feed.js';
import type { ValueCell } from '../../stream/value-cell.js';
import { toDisposable, type Disposable } from '../../util/disposable.js';
import type { Session } from '../session.js';

/**
 * A topic computed from the open session's store and objects: `compute(session)` runs at once, then
 * again (coalesced by `Recompute`, at least `minIntervalMs` apart) whenever the store receives a scrape
 * that `isRelevant` accepts, or the session's targets change. Session switches go through
 * `followSessionFeed`, so a subscriber never sees the old session's payload after a switch.
 */
export function sessionComputedTopic<T>(
  current: ValueCell<Session | null>,
  options: {
    compute: (session: Session) => T;
    empty: T;
    emit: (value: T) => void;
    isRelevant?: (session: Session, targetId: string) => boolean;
    minIntervalMs?: number;
    onError?: (error: unknown) => void;
  },
): Disposable {
  return followSessionFeed<Session, T>(
    current,
    (session, emit) => {
      const recompute = new Recompute(() => emit(options.compute(session)), { delayMs: options.minIntervalMs ?? 250, onError: options.onError });
      const appends = session.store.onAppend((event) => {
        if (!options.isRelevant || options.isRelevant(session, event.targetId)) recompute.trigger();
      });
      const targets = session.targets.subscribe(() => recompute.trigger());
      return toDisposable(() => {
        recompute.dispose();
        void appends.dispose();
        void targets.dispose();
      });
    },
    options.empty,
    options.emit,
  );
}
