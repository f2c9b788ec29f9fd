/**
 * The subset of Kubernetes object shapes the simulator produces (core/v1, apps/v1,
 * discovery.k8s.io/v1). Field names follow the API exactly so objects serialise as the apiserver's.
 */

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  generateName?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  hostPort?: number;
}

export interface ResourceList {
  cpu?: string;
  memory?: string;
  [resource: string]: string | undefined;
}

export interface Container {
  name: string;
  image: string;
  ports?: ContainerPort[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  args?: string[];
  /** Init containers: `Always` is a sidecar (KEP-753). */
  restartPolicy?: string;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  state: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason?: string; startedAt?: string; finishedAt?: string } };
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: null;
  lastTransitionTime: string;
}

export interface Pod extends KubeObject {
  spec: {
    nodeName?: string;
    initContainers?: Container[];
    containers: Container[];
    hostNetwork?: boolean;
    restartPolicy: string;
    serviceAccountName?: string;
    priorityClassName?: string;
    priority?: number;
    schedulerName?: string;
    dnsPolicy?: string;
    terminationGracePeriodSeconds?: number;
    enableServiceLinks?: boolean;
    nodeSelector?: Record<string, string>;
    tolerations?: Array<Record<string, string | number>>;
  };
  status: {
    phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    conditions?: PodCondition[];
    hostIP?: string;
    hostIPs?: Array<{ ip: string }>;
    podIP?: string;
    podIPs?: Array<{ ip: string }>;
    startTime?: string;
    qosClass?: string;
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

export interface Node extends KubeObject {
  spec: { podCIDR?: string; podCIDRs?: string[]; providerID?: string; unschedulable?: boolean; taints?: Array<{ key: string; value?: string; effect: string }> };
  status: {
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    conditions: Array<{ type: string; status: string; reason: string; message: string; lastHeartbeatTime: string; lastTransitionTime: string }>;
    addresses: Array<{ type: string; address: string }>;
    daemonEndpoints: { kubeletEndpoint: { Port: number } };
    nodeInfo: {
      machineID: string;
      systemUUID: string;
      bootID: string;
      kernelVersion: string;
      osImage: string;
      containerRuntimeVersion: string;
      kubeletVersion: string;
      kubeProxyVersion: string;
      operatingSystem: string;
      architecture: string;
    };
    images?: Array<{ names: string[]; sizeBytes: number }>;
  };
}

export interface ServicePort {
  name?: string;
  protocol: string;
  port: number;
  targetPort: number | string;
  nodePort?: number;
  appProtocol?: string;
}

export interface Service extends KubeObject {
  spec: {
    type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    ports: ServicePort[];
    clusterIP: string;
    clusterIPs: string[];
    sessionAffinity: string;
    ipFamilies: string[];
    ipFamilyPolicy: string;
    internalTrafficPolicy: string;
    externalTrafficPolicy?: string;
  };
  status: { loadBalancer: { ingress?: Array<{ ip: string; ipMode?: string }> } };
}

export interface Namespace extends KubeObject {
  spec: { finalizers: string[] };
  status: { phase: string };
}

export interface PodTemplate {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Pod['spec'];
}

export interface Workload extends KubeObject {
  spec: {
    replicas?: number;
    selector: { matchLabels: Record<string, string> };
    template: PodTemplate;
    serviceName?: string;
  };
  status: Record<string, number | undefined> & { observedGeneration?: number };
}

export interface EndpointAddress {
  ip: string;
  nodeName?: string;
  targetRef?: { kind: string; namespace: string; name: string; uid: string };
}

export interface Endpoints extends KubeObject {
  subsets?: Array<{ addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: Array<{ name?: string; port: number; protocol: string }> }>;
}

export interface EndpointSlice extends KubeObject {
  addressType: string;
  endpoints: Array<{
    addresses: string[];
    conditions: { ready: boolean; serving: boolean; terminating: boolean };
    nodeName?: string;
    targetRef?: { kind: string; namespace: string; name: string; uid: string };
  }>;
  ports: Array<{ name: string; port: number; protocol: string }>;
}

/** `ns/name` for namespaced objects, `name` otherwise: the store's key. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}
