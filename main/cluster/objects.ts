/**
 * The slice of Kubernetes object shapes Slicewise reads. Objects arrive as JSON from the apiserver and
 * are trimmed on the way into the cache (see `trimObject`); these types describe what survives.
 */
export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  creationTimestamp?: string;
  deletionTimestamp?: string;
  generation?: number;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  // Shapes differ per kind; readers narrow them (model/ and discovery/ know which fields they need).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  // EndpointSlice and Endpoints carry their data at the top level.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

/** `namespace/name` for namespaced objects, `name` otherwise: the cache key, as in client-go. */
export function objectKey(object: { metadata: { name: string; namespace?: string } }): string {
  return object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
}

const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];
const DROPPED_CONTAINER_FIELDS = ['env', 'envFrom', 'volumeMounts', 'volumeDevices', 'command', 'args', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'securityContext', 'terminationMessagePath', 'terminationMessagePolicy', 'workingDir'];

/**
 * Removes what Slicewise never reads before an object enters the cache: managedFields, the
 * last-applied annotation, pod volumes, container env/probes/commands, node images. Like client-go's
 * TransformFunc it must be idempotent and cheap; on a 150,000-pod cluster it is most of the memory.
 */
export function trimObject<T extends KubeObject>(object: T): T {
  const metadata = object.metadata as ObjectMeta & { managedFields?: unknown; selfLink?: unknown };
  delete metadata.managedFields;
  delete metadata.selfLink;
  if (metadata.annotations) {
    for (const name of DROPPED_ANNOTATIONS) delete metadata.annotations[name];
  }
  if (object.kind === 'Pod' || (object.spec && Array.isArray(object.spec.containers) && object.spec.nodeName !== undefined)) {
    const spec = object.spec;
    if (spec) {
      delete spec.volumes;
      for (const list of [spec.containers, spec.initContainers, spec.ephemeralContainers]) {
        if (!Array.isArray(list)) continue;
        for (const container of list) for (const field of DROPPED_CONTAINER_FIELDS) delete container[field];
      }
    }
  }
  if (object.kind === 'Node' && object.status) delete object.status.images;
  if (object.spec?.template?.spec) {
    // Workload templates: keep containers' names, images, ports and resources only.
    const templateSpec = object.spec.template.spec;
    delete templateSpec.volumes;
    for (const container of templateSpec.containers ?? []) for (const field of DROPPED_CONTAINER_FIELDS) delete container[field];
  }
  return object;
}
