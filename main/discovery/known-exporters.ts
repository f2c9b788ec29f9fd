import { META, sanitizeLabelName, type LabelSet } from './roles/object-meta.js';
import type { ObjectMetaLike, PodLike, ServiceLike, TargetSource } from './target.js';

/**
 * Recognising the exporters Slicewise cares about from what a target's labels say about its pod and
 * service: container image first (the most specific), then the usual name labels of Helm charts and
 * manifests, then service names. Used to classify every target, and to find exporters nobody
 * annotated, because this app scrapes them even when no Prometheus would.
 */

export interface KnownExporter {
  source: Exclude<TargetSource, 'application' | 'kubelet' | 'apiserver'>;
  /** Last path segment of the image repository, e.g. `node-exporter` for quay.io/prometheus/node-exporter. */
  images: readonly string[];
  /** Values of app.kubernetes.io/name, app, k8s-app or name that mean this exporter. */
  names: readonly string[];
  /** The port it listens on by default; chosen when no port is named like a metrics port. */
  defaultPort: number;
  /** True for exporters that describe the node they run on. */
  describesNode: boolean;
}

export const KNOWN_EXPORTERS: readonly KnownExporter[] = [
  { source: 'node-exporter', images: ['node-exporter'], names: ['node-exporter', 'prometheus-node-exporter'], defaultPort: 9100, describesNode: true },
  { source: 'kube-state-metrics', images: ['kube-state-metrics'], names: ['kube-state-metrics'], defaultPort: 8080, describesNode: false },
  { source: 'pushgateway', images: ['pushgateway'], names: ['pushgateway', 'prometheus-pushgateway'], defaultPort: 9091, describesNode: false },
  { source: 'cadvisor', images: ['cadvisor'], names: ['cadvisor'], defaultPort: 8080, describesNode: true },
  { source: 'prometheus', images: ['prometheus'], names: ['prometheus'], defaultPort: 9090, describesNode: false },
];

/** Port names that announce metrics (the prometheus-community charts use `metrics` and `http-metrics`). */
export const METRICS_PORT_NAME = /^(https?-)?metrics$/;

/** Label keys, in order of trust, whose value names the application. */
const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];

const NAME_LABEL_NAMES = {
  pod: Object.fromEntries(NAME_LABELS.map((key) => [key, `${META}pod_label_${sanitizeLabelName(key)}`])),
  service: Object.fromEntries(NAME_LABELS.map((key) => [key, `${META}service_label_${sanitizeLabelName(key)}`])),
};

/** `quay.io/prometheus/node-exporter:v1.8.2@sha256:…` → `node-exporter`. */
export function imageName(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const lastColon = withoutDigest.lastIndexOf(':');
  const repository = lastColon > lastSlash ? withoutDigest.slice(0, lastColon) : withoutDigest;
  return repository.slice(repository.lastIndexOf('/') + 1).toLowerCase();
}

export interface Classification {
  exporter: KnownExporter;
  /** Why, for people: "container image quay.io/prometheus/node-exporter:v1.8.2". */
  evidence: string;
}

/**
 * Classifies a target from its discovered labels. The old prometheus chart labels every component
 * `app=prometheus` and tells them apart with `component`, so that pair is read together.
 */
export function classifyLabels(labels: LabelSet): Classification | undefined {
  const image = labels[`${META}pod_container_image`];
  if (image) {
    const name = imageName(image);
    const exporter = KNOWN_EXPORTERS.find((candidate) => candidate.images.includes(name));
    if (exporter) return { exporter, evidence: `container image ${image}` };
  }
  for (const kind of ['pod', 'service'] as const) {
    for (const key of NAME_LABELS) {
      const value = labels[NAME_LABEL_NAMES[kind][key]];
      if (!value) continue;
      if (value === 'prometheus' && (key === 'app' || key === 'app.kubernetes.io/name')) {
        const componentKey = key === 'app' ? 'component' : 'app.kubernetes.io/component';
        const component = labels[`${META}${kind}_label_${sanitizeLabelName(componentKey)}`];
        if (component && component !== 'server') {
          const exporter = KNOWN_EXPORTERS.find((candidate) => candidate.names.includes(component));
          if (exporter) return { exporter, evidence: `${kind} labels ${key}=prometheus, ${componentKey}=${component}` };
          continue;
        }
      }
      const exporter = KNOWN_EXPORTERS.find((candidate) => candidate.names.includes(value));
      if (exporter) return { exporter, evidence: `${kind} label ${key}=${value}` };
    }
  }
  if (labels[`${META}service_annotation_prometheus_io_probe`] === 'pushgateway') {
    return { exporter: KNOWN_EXPORTERS.find((candidate) => candidate.source === 'pushgateway')!, evidence: 'service annotation prometheus.io/probe=pushgateway' };
  }
  const serviceName = labels[`${META}service_name`];
  if (serviceName) {
    const exporter = KNOWN_EXPORTERS.find((candidate) => candidate.names.some((name) => serviceName === name || serviceName.endsWith(`-${name}`)));
    if (exporter) return { exporter, evidence: `service name ${serviceName}` };
  }
  return undefined;
}

/** Kubernetes label key → its discovered label name, per kind, for the keys classification reads. */
const EVIDENCE_KEYS = [...NAME_LABELS, 'component', 'app.kubernetes.io/component'].map((key) => ({
  key,
  pod: `${META}pod_label_${sanitizeLabelName(key)}`,
  service: `${META}service_label_${sanitizeLabelName(key)}`,
}));

/** The few labels `classifyLabels` reads, taken straight from an object (no full label set needed). */
function evidenceLabels(kind: 'pod' | 'service', meta: ObjectMetaLike, image?: string): LabelSet {
  const labels: LabelSet = {};
  if (meta.labels) {
    for (const evidence of EVIDENCE_KEYS) {
      const value = meta.labels[evidence.key];
      if (value !== undefined) labels[evidence[kind]] = value;
    }
  }
  if (image) labels[`${META}pod_container_image`] = image;
  if (kind === 'service') {
    labels[`${META}service_name`] = meta.name;
    const probe = meta.annotations?.['prometheus.io/probe'];
    if (probe !== undefined) labels[`${META}service_annotation_prometheus_io_probe`] = probe;
  }
  return labels;
}

/** `classifyLabels` for a raw pod: any of its containers' images, or its name labels. */
export function classifyPod(pod: PodLike): Classification | undefined {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  for (const container of containers) {
    const found = classifyLabels(evidenceLabels('pod', pod.metadata, container.image));
    if (found) return found;
  }
  return containers.length === 0 ? classifyLabels(evidenceLabels('pod', pod.metadata)) : undefined;
}

/** `classifyLabels` for a raw service: its name labels, probe annotation and name. */
export function classifyService(service: ServiceLike): Classification | undefined {
  return classifyLabels(evidenceLabels('service', service.metadata));
}
