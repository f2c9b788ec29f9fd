// Main-thread time per update, read from a Chromium trace (the cgroup-tree-render bench): the
// page marks each update's start and the end of the frame that shows it with user-timing marks;
// the trace's top-level tasks on the renderer main thread between the two are the update's cost.

/** User-timing marks around each update; the trace places them on the renderer's clock. */
export const START_MARK = 'slicewise-update-start';
export const END_MARK = 'slicewise-update-end';

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread CPU time of the event, µs (absent on some events). */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; src_func?: string };
}

/** One update's main-thread time, ms, by the kind of task it went to. */
export interface UpdateBusy {
  totalMs: number;
  /** Rendering: the compositor's BeginMainFrame (animation frame callbacks, style, layout, paint, commit). */
  frameMs: number;
  /** Garbage collection tasks (V8's scavenges and marking, Oilpan's sweeping of layout objects). */
  gcMs: number;
  /** Everything else: the WebSocket message with the script of the update and the canvas rasterised as it ends. */
  otherMs: number;
  /**
   * The thread's CPU time in those tasks (their `tdur`, pro rata where a task is cut by a mark):
   * wall time minus the time the thread waited for a core, which on a loaded machine separates
   * the page's own work from the scheduler's.
   */
  cpuMs: number;
}

/**
 * Top-level tasks are `ThreadControllerImpl::RunTask` in the `toplevel` category (`RunTask` in
 * DevTools' timeline category); the function that posted them tells a frame from a collection.
 */
const TASK_EVENTS = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);
const FRAME_POSTERS = /BeginMainFrame/;
const GC_POSTERS = /v8::internal::|cppgc::|MinorGC|IncrementalMarking/;

/**
 * The renderer main thread's busy time in each update, from its start mark to its end mark: the
 * top-level tasks there (the message task with its canvas rasterisation, which Blink runs as the
 * task ends and no page script can time; the frame; collections), without the idle waits in
 * between. Whatever else the page ran in that span counts too, so the figure errs high.
 */
export function busyPerUpdate(events: readonly TraceEvent[]): UpdateBusy[] {
  const main = events.find((event) => event.ph === 'M' && event.name === 'thread_name' && event.args?.name === 'CrRendererMain');
  if (!main) throw new Error('the trace has no renderer main thread');
  const onMain = (event: TraceEvent) => event.pid === main.pid && event.tid === main.tid;
  const starts = events.filter((event) => event.name === START_MARK && onMain(event)).map((event) => event.ts).sort((a, b) => a - b);
  const ends = events.filter((event) => event.name === END_MARK && onMain(event)).map((event) => event.ts).sort((a, b) => a - b);
  const tasks = events.filter((event) => event.ph === 'X' && TASK_EVENTS.has(event.name) && onMain(event)).sort((a, b) => a.ts - b.ts);
  const busy: UpdateBusy[] = [];
  for (const start of starts) {
    const end = ends.find((candidate) => candidate > start);
    if (end === undefined) break;
    const update: UpdateBusy = { totalMs: 0, frameMs: 0, gcMs: 0, otherMs: 0, cpuMs: 0 };
    let reached = start;
    for (const task of tasks) {
      const from = Math.max(task.ts, reached);
      const to = Math.min(task.ts + (task.dur ?? 0), end);
      if (to <= from) continue;
      const ms = (to - from) / 1000;
      reached = to;
      update.totalMs += ms;
      if (task.dur) update.cpuMs += ((task.tdur ?? task.dur) * (to - from)) / task.dur / 1000;
      const poster = task.args?.src_func ?? '';
      if (FRAME_POSTERS.test(poster)) update.frameMs += ms;
      else if (GC_POSTERS.test(poster)) update.gcMs += ms;
      else update.otherMs += ms;
    }
    busy.push(update);
  }
  return busy;
}
