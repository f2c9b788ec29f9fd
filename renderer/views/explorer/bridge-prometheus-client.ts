import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
// The package's index does not re-export it; it is the function its own HTTP client uses to turn
// the matchers around the cursor into a `match[]` selector, so completion narrows the same way.
import { labelMatchersToString } from '@prometheus-io/codemirror-promql/dist/esm/parser/matcher.js';
import type { Bridge } from '../../../preload/contract/index.js';

type Matchers = Parameters<typeof labelMatchersToString>[1];

/**
 * codemirror-promql's `PrometheusClient` over the bridge: the core answers from the connected
 * Prometheus (through its cached client) or, without one, from Slicewise's store, so completion
 * works in both cases. Failures give empty suggestions, as the library's own HTTP client does.
 */
export class BridgePrometheusClient implements PrometheusClient {
  constructor(private readonly bridge: Bridge) {}

  labelNames(metricName?: string): Promise<string[]> {
    return this.bridge.call('promql.labelNames', metricName ? { match: metricName } : {}).catch(() => []);
  }

  labelValues(labelName: string, metricName?: string, matchers?: Matchers): Promise<string[]> {
    const match = metricName ? labelMatchersToString(metricName, matchers, labelName) : undefined;
    return this.bridge.call('promql.labelValues', match ? { label: labelName, match } : { label: labelName }).catch(() => []);
  }

  async metricMetadata(): Promise<Record<string, { type: string; help: string }[]>> {
    return this.bridge.call('promql.metadata', {}).catch(() => ({}));
  }

  // Completion does not ask for series; the Explorer's label browser uses `explorer.family`.
  async series(): Promise<Map<string, string>[]> {
    return [];
  }

  metricNames(): Promise<string[]> {
    return this.labelValues('__name__');
  }

  async flags(): Promise<Record<string, string>> {
    return {};
  }
}
