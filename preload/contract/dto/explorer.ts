/**
 * The metric catalog the Explorer shows: every metric family Slicewise holds, grouped by the kind of
 * target that exposes it, plus names only the connected Prometheus knows.
 */

/** A group's kind: a target source, the synthetic scrape series, or names only Prometheus has. */
export type CatalogGroupKind =
  | 'cadvisor'
  | 'node-exporter'
  | 'kube-state-metrics'
  | 'kubelet'
  | 'prometheus'
  | 'pushgateway'
  | 'application'
  | 'apiserver'
  | 'scrape'
  | 'prometheus-only';

export interface CatalogFamily {
  name: string;
  /** TYPE as exposed (`counter`, `gauge`, `histogram`, `summary`, `untyped`, …); `unknown` without metadata. */
  type: string;
  help: string;
  unit: string;
  /** Series of this family in the group now; null for names only Prometheus knows. */
  seriesCount: number | null;
  /** Label names across the family's series (target labels included), sorted. */
  labelNames: string[];
  /** Targets in the group exposing it. */
  targetCount: number;
  /** Series names it covers in the store (`x_bucket`, `x_sum`, `x_count`; `x_total` for an OpenMetrics counter `x`). */
  seriesNames: string[];
}

export interface CatalogGroup {
  /** Stable key: the kind, or `application:<app name>`. */
  key: string;
  kind: CatalogGroupKind;
  /** For people: "Kubelet cAdvisor", "nginx (application)". */
  title: string;
  /**
   * Label matchers that select this group's series in Slicewise's store, e.g.
   * `job="kubernetes-pods",app_kubernetes_io_name="nginx"`; empty when the targets share none.
   */
  selector: string;
  targetCount: number;
  /** Families in the group, and how many of them match the search. */
  familyCount: number;
  matchCount: number;
  /** The matching families shown (best first when searching, by name otherwise); may be fewer than `matchCount`. */
  families: CatalogFamily[];
}

/** `explorer.catalog` parameters: free text (prefix or fuzzy, words AND-ed) and a cap on families sent. */
export interface CatalogQuery {
  text?: string;
  limit?: number;
}

export interface CatalogPayload {
  groups: CatalogGroup[];
  /** Families (group × name) in the catalog, matching the text, and sent. */
  totalFamilies: number;
  matched: number;
  shown: number;
  /** When the catalog was built from the store, epoch ms. */
  builtMs: number;
}

/** One label of a family, with its most common values. */
export interface CatalogLabel {
  name: string;
  /** Distinct values over the family's series. */
  valueCount: number;
  /** Up to 50 values, most series first. */
  values: { value: string; series: number }[];
}

/** `explorer.family`: what the Explorer shows for a chosen family. */
export interface CatalogFamilyDetail {
  name: string;
  type: string;
  help: string;
  unit: string;
  seriesCount: number;
  /** Series names of the family in the store (`x_bucket`, `x_sum`, `x_count` for a histogram). */
  seriesNames: string[];
  groups: { key: string; title: string; selector: string; seriesCount: number }[];
  labels: CatalogLabel[];
  /** A few series' full label sets. */
  examples: Record<string, string>[];
}
