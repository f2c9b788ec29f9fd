import type { ParsedSample } from '../../scrape/exposition/samples.js';
import type { SeriesStore } from '../../store/series-store.js';
import { scrapedLabels } from '../scraped-labels.js';
import type { CadvisorSnapshot } from './figures.js';

/**
 * The kubelet cAdvisor families the cgroup tree and its figures read (figures.ts `SIMPLE_FAMILIES`,
 * the CPU, per-device IO and blkio families, `machine_*`), plus `container_last_seen`, which every
 * cgroup has (protocols.md §6.2 "Always"), so cgroups with no figure family still become rows, and
 * `container_memory_max_usage_bytes` for telling cgroup v1 from v2. A 5 MB scrape holds about three
 * times as many families; the rest are left in the store.
 */
export const CGROUP_FAMILIES: readonly string[] = [
  'container_last_seen',
  'container_cpu_usage_seconds_total',
  'container_cpu_user_seconds_total',
  'container_cpu_system_seconds_total',
  'container_cpu_cfs_periods_total',
  'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_throttled_seconds_total',
  'container_spec_cpu_quota',
  'container_spec_cpu_period',
  'container_memory_usage_bytes',
  'container_memory_working_set_bytes',
  'container_memory_rss',
  'container_memory_cache',
  'container_memory_swap',
  'container_memory_max_usage_bytes',
  'container_spec_memory_limit_bytes',
  'container_memory_failcnt',
  'container_oom_events_total',
  'container_fs_reads_bytes_total',
  'container_fs_writes_bytes_total',
  'container_fs_reads_total',
  'container_fs_writes_total',
  'container_blkio_device_usage_total',
  'container_network_receive_bytes_total',
  'container_network_transmit_bytes_total',
  'container_pressure_cpu_waiting_seconds_total',
  'container_pressure_cpu_stalled_seconds_total',
  'container_pressure_memory_waiting_seconds_total',
  'container_pressure_memory_stalled_seconds_total',
  'container_pressure_io_waiting_seconds_total',
  'container_pressure_io_stalled_seconds_total',
  'container_processes',
  'machine_cpu_cores',
  'machine_memory_bytes',
];

/** Good scrapes after a failed one during which the failure's stale markers are not taken as series ending (see below). */
const RECOVERY_SCRAPES = 2;

/** The last two readings of one cAdvisor target, as the cgroup model takes them. */
export interface CadvisorReadings {
  current: CadvisorSnapshot;
  /** Absent until some series has a second sample. */
  previous?: CadvisorSnapshot;
  /** Whether the newest scrape of the target succeeded (`up` = 1); when it failed, `current` is the last good reading. */
  lastScrapeUp: boolean;
}

/**
 * Rebuilds the last two scrapes of a cAdvisor target from the store, without keeping a copy of
 * any scrape: per series, its newest sample goes into `current` and the one before into
 * `previous`. Series that went stale (gone from the newest scrape) are left out.
 * `previous` lacks the stamped series until cAdvisor has collected twice; `hasRates` tells.
 *
 * Timestamps: cAdvisor stamps most samples with the time it collected the cgroup, and the store
 * keeps those; samples stored exactly at one of the target's scrape times carried no timestamp
 * (spec, start-time and machine families, protocols.md §6.3) and get `timestampMs: null` back,
 * as the parser would give them, so they cannot move a cgroup's reading time. The snapshots'
 * `tsMs` are the newest and the previous scrape times (the target's `up` series).
 *
 * `targetLabels` are the labels the scrape pool added (discovery's), so the exposition's own labels
 * can be recovered (`exported_namespace` → `namespace`). Undefined when the store has no scrape of
 * the target yet, or none of its scrapes succeeded.
 */
export function readCadvisorReadings(
  store: SeriesStore,
  targetId: string,
  targetLabels: Readonly<Record<string, string>>,
  families: readonly string[] = CGROUP_FAMILIES,
): CadvisorReadings | undefined {
  const up = store.select([{ name: '__name__', op: '=', value: 'up' }]).find((ref) => ref.targetId === targetId);
  if (!up) return undefined;
  const scrapes = store.range([up.id], Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
  const scrapeTimes = new Set(scrapes.xs);
  const upColumn = scrapes.ys[0];
  // The newest successful scrape and the successful one before it. After a failed scrape every
  // series of the target carries a stale marker; reading up to the last good scrape keeps the
  // tree on screen (and says the target is down) instead of blanking it.
  let good = -1;
  let beforeGood = -1;
  for (let i = scrapes.xs.length - 1; i >= 0; i--) {
    if (upColumn[i] !== 1) continue;
    if (good < 0) good = i;
    else {
      beforeGood = i;
      break;
    }
  }
  if (good < 0) return undefined;
  const lastScrapeUp = good === scrapes.xs.length - 1;
  const untilMs = lastScrapeUp ? Number.POSITIVE_INFINITY : scrapes.xs[good];
  // A failed scrape leaves a stale marker on every series, and the store refuses samples stamped
  // before a marker (Prometheus' out-of-order rule), so until cAdvisor collects again after the
  // failure, its series look gone. Markers of a failure followed by at most RECOVERY_SCRAPES good
  // scrapes are stepped over; a series still without a sample after that is really gone.
  const forgiven = new Set<number>();
  let goodSince = 0;
  for (let i = good; i >= 0 && goodSince <= RECOVERY_SCRAPES; i--) {
    if (upColumn[i] === 1) goodSince++;
    else if (goodSince <= RECOVERY_SCRAPES) forgiven.add(scrapes.xs[i]);
  }

  const current: ParsedSample[] = [];
  const previous: ParsedSample[] = [];
  for (const family of families) {
    for (const ref of store.select([{ name: '__name__', op: '=', value: family }])) {
      if (ref.targetId !== targetId) continue;
      const { xs, ys } = store.range([ref.id], Number.NEGATIVE_INFINITY, untilMs);
      const column = ys[0];
      let newest = column.length - 1;
      while (newest >= 0 && column[newest] === null && forgiven.has(xs[newest])) newest--;
      // A stale marker (or NaN) last: the series is not in the newest scrape.
      if (newest < 0 || column[newest] === null) continue;
      const labels = scrapedLabels(ref.labels, targetLabels);
      current.push({ name: family, labels, value: column[newest] as number, timestampMs: scrapeTimes.has(xs[newest]) ? null : xs[newest] });
      for (let i = newest - 1; i >= 0; i--) {
        const value = column[i];
        if (value === null) continue;
        previous.push({ name: family, labels, value, timestampMs: scrapeTimes.has(xs[i]) ? null : xs[i] });
        break;
      }
    }
  }
  const readings: CadvisorReadings = { current: { tsMs: scrapes.xs[good], samples: current }, lastScrapeUp };
  if (previous.length > 0 && beforeGood >= 0) readings.previous = { tsMs: scrapes.xs[beforeGood], samples: previous };
  return readings;
}

/** Whether the readings give rates: some CPU counter has a sample in both (cAdvisor collected twice). */
export function hasRates(readings: CadvisorReadings | undefined): boolean {
  return readings?.previous?.samples.some((sample) => sample.name === 'container_cpu_usage_seconds_total') ?? false;
}
