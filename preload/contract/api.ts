import type { AppInfo } from './dto/app.js';
import type { ContextSummary, SessionStatus } from './dto/cluster.js';
import type { PromInstantAnswer, PromInstantQuery, PromMetricMetadata, PromRangeQuery, PromRangeResult, PromSeriesHistoryQuery, PrometheusConfigureArg, PrometheusStatus } from './dto/promql.js';
import type { CatalogFamilyDetail } from './dto/explorer.js';

/**
 * Every call the renderer can make: method name → [argument, result]. This is the only place a
 * method is named; `channels.ts` derives the runtime allow-list from `API_ARG_SCHEMAS`, whose type
 * forces one entry per key. Each call takes one argument and returns one result.
 */
export interface Api {
  'app.info': [arg: null, result: AppInfo];
  'contexts.list': [arg: null, result: ContextSummary[]];
  /** Opens a kubeconfig context, or this machine (`local: true`), closing the current session first. */
  'session.open': [arg: { context?: string; local?: boolean; namespace?: string }, result: SessionStatus];
  'session.close': [arg: null, result: null];
  /** Limits the namespaced views to one namespace; absent means all namespaces. */
  'session.setNamespace': [arg: { namespace?: string }, result: null];
  /** The user's answer to an exec-plugin consent request. */
  'exec.answer': [arg: { id: string; decision: 'once' | 'always' | 'deny' }, result: null];
  /** Sets the current context's Prometheus URL (absent: look in the cluster again); resolves after the first check. */
  'prometheus.configure': [arg: PrometheusConfigureArg, result: PrometheusStatus];
  /** Checks the current context's Prometheus again now. */
  'prometheus.check': [arg: null, result: PrometheusStatus];
  /** An instant query, on the connected Prometheus or (`local`, or `auto` without one) on Slicewise's store. */
  'promql.query': [arg: PromInstantQuery, result: PromInstantAnswer];
  /** A range query for charts; other views use it with `source: 'prometheus'` for history beyond the live window. */
  'promql.queryRange': [arg: PromRangeQuery, result: PromRangeResult];
  /** Completion: label names of the series matching `match` (a series selector), from Prometheus or the store. */
  'promql.labelNames': [arg: { match?: string }, result: string[]];
  /** Completion: values of `label` (`__name__` for metric names) over the series matching `match`. */
  'promql.labelValues': [arg: { label: string; match?: string }, result: string[]];
  /** Completion: HELP/TYPE/UNIT per metric name, as `/api/v1/metadata` answers. */
  'promql.metadata': [arg: { metric?: string }, result: Record<string, PromMetricMetadata[]>];
  /** The Explorer's details of one metric family: groups, label values, examples. */
  'explorer.family': [arg: { name: string }, result: CatalogFamilyDetail];
  /**
   * History of one live series from Prometheus, found by the labels its exporter exposed (the store's
   * `seriesId`, or its target and labels), optionally as rate/irate/increase over `windowMs`.
   */
  'promql.seriesHistory': [arg: PromSeriesHistoryQuery, result: PromRangeResult];
}

export type ApiMethod = keyof Api;
export type ApiArg<M extends ApiMethod> = Api[M][0];
export type ApiResult<M extends ApiMethod> = Api[M][1];
