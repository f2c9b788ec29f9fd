import { describe, expect, it } from 'vitest';
import { busyPerUpdate, END_MARK, START_MARK, type TraceEvent } from '../../bench/trace-busy.js';

const MAIN = { pid: 7, tid: 7 };
const task = (ts: number, dur: number, poster: string, where = MAIN, tdur = dur / 2): TraceEvent => ({ name: 'ThreadControllerImpl::RunTask', ph: 'X', ts, dur, tdur, ...where, args: { src_func: poster } });
const mark = (name: string, ts: number): TraceEvent => ({ name, ph: 'I', ts, ...MAIN });
const threads: TraceEvent[] = [
  { name: 'thread_name', ph: 'M', ts: 0, ...MAIN, args: { name: 'CrRendererMain' } },
  { name: 'thread_name', ph: 'M', ts: 0, pid: 7, tid: 9, args: { name: 'Compositor' } },
];

describe('main-thread time per update from a trace', () => {
  it('sums the top-level tasks between the marks by kind, without the idle time between them', () => {
    // Times in µs: the message task starts 500 µs before the start mark (WebSocket decoding is
    // not counted), runs to 6,000; idle until the frame at 10,000 (4 ms); a scavenge inside the
    // span; a compositor-thread task and a task after the end mark are not counted.
    const events = [
      ...threads,
      task(1_000, 5_500, 'PostDispatchNextMessageFromPipe'),
      mark(START_MARK, 1_500),
      task(7_000, 1_000, 'void v8::internal::MinorGCJob::TryScheduleTask()'),
      task(10_000, 8_000, 'ScheduledActionSendBeginMainFrame'),
      task(10_000, 3_000, 'DrawLayers', { pid: 7, tid: 9 }),
      mark(END_MARK, 18_200),
      task(18_300, 2_000, 'PostDispatchNextMessageFromPipe'),
    ];
    // CPU time: each task ran on a core half its wall time; the message task counts for the 5 of its 5.5 ms inside the span.
    expect(busyPerUpdate(events)).toEqual([{ totalMs: 14, frameMs: 8, gcMs: 1, otherMs: 5, cpuMs: 7 }]);
  });

  it('pairs each start with the next end and leaves out an update whose end is not in the trace', () => {
    const events = [...threads, mark(START_MARK, 0), task(0, 2_000, 'x'), mark(END_MARK, 3_000), mark(START_MARK, 5_000), task(5_000, 1_000, 'x')];
    expect(busyPerUpdate(events).map((update) => update.totalMs)).toEqual([2]);
  });

  it('refuses a trace without the renderer main thread', () => {
    expect(() => busyPerUpdate([mark(START_MARK, 0)])).toThrow(/renderer main thread/);
  });
});
