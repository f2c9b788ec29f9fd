import { afterEach, describe, expect, it, vi } from 'vitest';
import { followSessionFeed, Recompute } from '../../../../main/stream/session-feed.js';
import { ValueCell } from '../../../../main/stream/value-cell.js';
import { toDisposable } from '../../../../main/util/disposable.js';

describe('followSessionFeed', () => {
  it('starts a feed per session, stops the old one before the new one starts, and emits the empty payload without a session', () => {
    const current = new ValueCell<{ name: string } | null>(null);
    const events: string[] = [];
    const emitted: string[] = [];
    const senders = new Map<string, (payload: string) => void>();
    const subscription = followSessionFeed<{ name: string }, string>(
      current,
      (session, send) => {
        events.push(`start ${session.name}`);
        senders.set(session.name, send);
        send(`${session.name}:first`);
        return toDisposable(() => {
          events.push(`stop ${session.name}`);
        });
      },
      'empty',
      (payload) => emitted.push(payload),
    );
    current.set({ name: 'A' });
    senders.get('A')!('A:second');
    current.set({ name: 'B' });
    // A late payload of A (a timer that fired after the switch) must not reach the subscriber.
    senders.get('A')!('A:late');
    senders.get('B')!('B:second');
    current.set(null);
    void subscription.dispose();
    expect(events).toEqual(['start A', 'stop A', 'start B', 'stop B']);
    expect(emitted).toEqual(['empty', 'A:first', 'A:second', 'B:first', 'B:second', 'empty']);
  });
});

describe('Recompute', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('computes at once, then once per burst of triggers after the quiet time, and never after dispose', () => {
    vi.useFakeTimers();
    let runs = 0;
    const recompute = new Recompute(() => runs++, { delayMs: 250 });
    expect(runs).toBe(1);
    recompute.trigger();
    recompute.trigger();
    recompute.trigger();
    vi.advanceTimersByTime(249);
    expect(runs).toBe(1);
    vi.advanceTimersByTime(1);
    expect(runs).toBe(2);
    recompute.trigger();
    recompute.dispose();
    vi.advanceTimersByTime(1000);
    expect(runs).toBe(2);
  });

  it('reports a failing computation and keeps going', () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let fail = true;
    let runs = 0;
    const recompute = new Recompute(
      () => {
        runs++;
        if (fail) throw new Error('model broke');
      },
      { delayMs: 10, onError: (error) => errors.push(error) },
    );
    fail = false;
    recompute.trigger();
    vi.advanceTimersByTime(10);
    expect(runs).toBe(2);
    expect(errors.map((error) => (error as Error).message)).toEqual(['model broke']);
    recompute.dispose();
  });
});
