import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { get as httpGet } from 'node:http';
import { Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { isInstalled } from '../../helpers/exporters.js';
import { DEBIAN, requireProgram } from '../../helpers/processes.js';
import { simGet, simKubeConfig, startSimulator, type Simulator } from '../../helpers/sim.js';
import type { Pod } from '../../sim/cluster/kube-object.js';

// The demo scenario with its real Debian exporters, reached by two independent clients:
// python-kubernetes (Debian's /usr/bin/python3) and @kubernetes/client-node 1.4.0's PortForward.
// Also: the real Prometheus scrapes pods and kubelets, per-pod processes follow scaling.

let sim: Simulator;

beforeAll(async () => {
  for (const program of ['node-exporter', 'nginx', 'nginx-exporter', 'prometheus', 'pushgateway'] as const) {
    if (!isInstalled(program)) throw new Error(`${program} is not installed; run .ci/run (the demo needs the Debian exporters)`);
  }
  requireProgram(DEBIAN.python);
  sim = await startSimulator({ scenario: 'demo', podStartDelayMs: 100, podStopDelayMs: 100 });
});

afterAll(async () => {
  await sim?.stop();
});

const podOf = (namespace: string, prefix: string) => {
  const pod = sim.objects.list<Pod>('pods', namespace).find((p) => p.metadata.name.startsWith(prefix) && p.status.phase === 'Running');
  if (!pod) throw new Error(`no running ${namespace}/${prefix}* pod`);
  return pod;
};

/** `# TYPE` family names of an exposition. */
function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]).sort();
}

/**
 * Two scrapes of the same node-exporter a moment apart: a few families (netstat, conntrack
 * counters) appear only while non-zero, so the family sets agree except for a handful.
 */
function expectSameExporter(forwarded: string, direct: string): void {
  const a = new Set(families(forwarded));
  const b = new Set(families(direct));
  const differing = [...a].filter((f) => !b.has(f)).concat([...b].filter((f) => !a.has(f)));
  expect(differing.length, `families differ: ${differing.join(', ')}`).toBeLessThanOrEqual(6);
  expect(a.size).toBeGreaterThan(200);
  expect(forwarded.endsWith('\n')).toBe(true);
}

function fetchText(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false, headers: { Connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/** client-node's PortForward behind a local TCP listener, one WebSocket per connection (DESIGN.md "PortForward"). */
async function forwardWithClientNode(namespace: string, pod: string, port: number): Promise<{ port: number; sockets: WebSocket[]; close(): Promise<void> }> {
  const forward = new PortForward(simKubeConfig(sim, 'token'));
  const sockets: WebSocket[] = [];
  const server: Server = createServer((socket: Socket) => {
    forward.portForward(namespace, pod, [port], socket, null, socket).then(
      (ws) => {
        const webSocket = ws as WebSocket;
        sockets.push(webSocket);
        // client-node never ends the local socket when the WebSocket closes (toolchain.md gotcha 5).
        webSocket.on('close', () => socket.end());
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('python-kubernetes (Debian /usr/bin/python3)', () => {
  it('lists pods and port-forwards to the real node-exporter over v4.channel.k8s.io', async () => {
    const target = podOf('monitoring', 'node-exporter-');
    const script = `
import json, sys
from kubernetes import client, config
from kubernetes.stream import portforward
config.load_kube_config(config_file=sys.argv[1], context='token')
v1 = client.CoreV1Api()
pods = v1.list_pod_for_all_namespaces()
pf = portforward(v1.connect_get_namespaced_pod_portforward, sys.argv[3], sys.argv[2], ports='9100')
sock = pf.socket(9100)
sock.setblocking(True)
sock.sendall(b'GET /metrics HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n')
data = b''
while True:
    chunk = sock.recv(65536)
    if not chunk:
        break
    data += chunk
sock.close()
head, _, body = data.partition(b'\\r\\n\\r\\n')
print(json.dumps({'pods': sorted(p.metadata.namespace + '/' + p.metadata.name for p in pods.items), 'status': head.split(b'\\r\\n')[0].decode(), 'body': body.decode('utf-8', 'replace'), 'error': pf.error(9100)}))
`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(DEBIAN.python, ['-c', script, sim.kubeconfigPath, target.metadata.namespace ?? '', target.metadata.name], { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    const result = JSON.parse(output) as { pods: string[]; status: string; body: string; error: string | null };
    expect(result.pods).toEqual(sim.objects.list<Pod>('pods').map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort());
    // HTTP/1.0 so the body is not chunked.
    expect(result.status).toMatch(/^HTTP\/1\.[01] 200 OK$/);
    expect(result.error).toBeNull();
    // The same exporter, asked directly: the same metric families (values move, families do not).
    const backend = sim.backendFor('monitoring', target.metadata.name, 9100);
    expect(backend?.kind).toBe('process');
    const direct = await fetchText(`http://${backend?.host}:${backend?.port}/metrics`);
    expectSameExporter(result.body, direct.body);
    expect(result.body).toMatch(/^node_cpu_seconds_total\{cpu="0",mode="idle"\} \d/m);
    const forward = sim.forwards.find((f) => f.pod === target.metadata.name);
    expect(forward).toMatchObject({ protocol: 'v4.channel.k8s.io', ports: [9100], endReason: 'backend-closed' });
    expect(forward?.bytesToClient).toBeGreaterThan(result.body.length);
  });
});

describe('@kubernetes/client-node PortForward', () => {
  it('reaches the real node-exporter', async () => {
    const target = podOf('monitoring', 'node-exporter-');
    const local = await forwardWithClientNode('monitoring', target.metadata.name, 9100);
    try {
      const through = await fetchText(`http://127.0.0.1:${local.port}/metrics`);
      expect(through.status).toBe(200);
      const backend = sim.backendFor('monitoring', target.metadata.name, 9100);
      const direct = await fetchText(`http://${backend?.host}:${backend?.port}/metrics`);
      expectSameExporter(through.body, direct.body);
      expect(families(through.body)).toContain('node_memory_MemTotal_bytes');
    } finally {
      await local.close();
    }
  });

  it('reaches the real nginx exporter of each nginx pod, which reports its own nginx', async () => {
    const pods = sim.objects.list<Pod>('pods', 'web').filter((p) => p.status.phase === 'Running');
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      const backend = sim.backendFor('web', pod.metadata.name, 9113);
      expect(backend?.kind).toBe('process');
      expect(backend?.source).toMatch(/^nginx-exporter \(pid \d+\)$/);
      const local = await forwardWithClientNode('web', pod.metadata.name, 9113);
      try {
        const through = await fetchText(`http://127.0.0.1:${local.port}/metrics`);
        expect(through.status).toBe(200);
        expect(through.body).toMatch(/^nginx_up 1$/m);
        // The families of the recorded nginx-exporter payload (fixtures/exporters/nginx) are all there.
        expect(families(through.body)).toEqual(expect.arrayContaining(['nginx_connections_accepted', 'nginx_connections_active', 'nginx_connections_handled', 'nginx_connections_reading', 'nginx_connections_waiting', 'nginx_connections_writing', 'nginx_http_requests_total', 'nginx_up']));
      } finally {
        await local.close();
      }
      // Port 80 of the same pod is that pod's own nginx.
      const page = await simGet(sim, `/api/v1/namespaces/web/pods/${pod.metadata.name}:80/proxy/`);
      expect(page.body).toBe(`Welcome to nginx on pod ${pod.metadata.name}\n`);
    }
  });

  it('sees a forward dropped after N bytes as closed', async () => {
    const target = podOf('monitoring', 'node-exporter-');
    sim.faults.dropForwardsAfter({ bytes: 2000 });
    const local = await forwardWithClientNode('monitoring', target.metadata.name, 9100);
    try {
      const received = await new Promise<{ bytes: number; ended: string }>((resolve) => {
        let bytes = 0;
        const req = httpGet(`http://127.0.0.1:${local.port}/metrics`, { agent: false }, (res) => {
          res.on('data', (chunk: Buffer) => (bytes += chunk.length));
          res.on('end', () => resolve({ bytes, ended: 'end' }));
          res.on('aborted', () => resolve({ bytes, ended: 'aborted' }));
          res.on('error', () => resolve({ bytes, ended: 'error' }));
        });
        req.on('error', () => resolve({ bytes, ended: 'request-error' }));
      });
      expect(received.bytes).toBeLessThan(2000);
      expect(local.sockets).toHaveLength(1);
      const ws = local.sockets[0];
      await new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve())));
      expect(ws.readyState).toBe(WebSocket.CLOSED);
      const forward = sim.forwards.find((f) => f.pod === target.metadata.name && f.endReason === 'dropped');
      expect(forward?.bytesToClient).toBe(2000);
    } finally {
      sim.faults.reset();
      await local.close();
    }
  });

  it('sees an idle forward dropped after a time as closed (code 1006, no close frame)', async () => {
    const target = podOf('monitoring', 'node-exporter-');
    sim.faults.dropForwardsAfter({ ms: 200 });
    try {
      const forward = new PortForward(simKubeConfig(sim, 'exec'));
      const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
      const { PassThrough } = await import('node:stream');
      const input = new PassThrough();
      const ws = (await forward.portForward('monitoring', target.metadata.name, [9100], sink, null, input)) as WebSocket;
      const code = await new Promise<number>((resolve) => ws.once('close', (c: number) => resolve(c)));
      expect(code).toBe(1006);
      input.destroy();
    } finally {
      sim.faults.reset();
    }
  });

  it('gets an unknown port refused on the error channel', async () => {
    const target = podOf('monitoring', 'kube-state-metrics-');
    const forward = new PortForward(simKubeConfig(sim, 'client-cert'));
    const errors: string[] = [];
    const errSink = new Writable({ write: (chunk: Buffer, _encoding, done) => (errors.push(chunk.toString()), done()) });
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    const { PassThrough } = await import('node:stream');
    const input = new PassThrough();
    const ws = (await forward.portForward('monitoring', target.metadata.name, [9999], sink, errSink, input)) as WebSocket;
    await new Promise<void>((resolve) => (ws.readyState === WebSocket.CLOSED ? resolve() : ws.once('close', () => resolve())));
    input.destroy();
    expect(errors.join('')).toBe(`error forwarding port 9999 to pod ${target.metadata.name}, uid ${target.metadata.uid}: failed to connect to localhost:9999 inside namespace of pod monitoring/${target.metadata.name}: dial tcp 127.0.0.1:9999: connect: connection refused`);
  });

  it('is refused with 403 when RBAC forbids pods/portforward', async () => {
    const target = podOf('monitoring', 'node-exporter-');
    sim.faults.forbidPortForward(true);
    try {
      const forward = new PortForward(simKubeConfig(sim, 'token'));
      const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
      const { PassThrough } = await import('node:stream');
      await expect(forward.portForward('monitoring', target.metadata.name, [9100], sink, null, new PassThrough())).rejects.toMatchObject({ message: 'Unexpected server response: 403' });
      const record = sim.requests.filter((r) => r.upgrade).at(-1);
      expect(record).toMatchObject({ status: 403, user: 'sim-token', path: `/api/v1/namespaces/monitoring/pods/${target.metadata.name}/portforward` });
    } finally {
      sim.faults.reset();
    }
  });
});

describe('v4.base64.channel.k8s.io', () => {
  it('frames ports and data as base64 text messages', async () => {
    const target = podOf('web', 'nginx-');
    const url = `${sim.url.replace('https', 'wss')}/api/v1/namespaces/web/pods/${target.metadata.name}/portforward?ports=9113`;
    const ws = new WebSocket(url, ['v4.base64.channel.k8s.io'], { ca: sim.caPem, headers: { Authorization: `Bearer ${sim.token}` } });
    const frames: string[] = [];
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(false);
      frames.push(data.toString());
      if (frames.length === 2) ws.send(`0${Buffer.from('GET /metrics HTTP/1.0\r\n\r\n').toString('base64')}`);
    });
    await closed;
    expect(ws.protocol).toBe('v4.base64.channel.k8s.io');
    // 9113 = 0x2399, little-endian [0x99, 0x23] = "mSM=".
    expect(frames.slice(0, 2)).toEqual(['0mSM=', '1mSM=']);
    const response = frames
      .slice(2)
      .filter((f) => f.startsWith('0'))
      .map((f) => Buffer.from(f.slice(1), 'base64').toString())
      .join('');
    expect(response).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
    expect(response).toMatch(/^nginx_up 1$/m);
  });
});

describe('the demo cluster around its processes', () => {
  it('scaling nginx starts and stops a real nginx + exporter per pod, and KSM follows', async () => {
    const ksm = async () => (await simGet(sim, '/api/v1/namespaces/monitoring/services/kube-state-metrics:http-metrics/proxy/metrics')).body;
    expect(await ksm()).toContain('kube_deployment_status_replicas_available{namespace="web",deployment="nginx"} 2\n');
    await sim.scaleDeployment('web', 'nginx', 3);
    const pods = sim.objects.list<Pod>('pods', 'web');
    expect(pods.filter((p) => p.status.phase === 'Running')).toHaveLength(3);
    expect(await ksm()).toContain('kube_deployment_status_replicas_available{namespace="web",deployment="nginx"} 3\n');
    const newest = pods.sort((a, b) => b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) || 0)[0];
    const backend = sim.backendFor('web', newest.metadata.name, 80);
    const pid = backend?.pid as number;
    expect(processAlive(pid)).toBe(true);
    expect((await fetchText(`http://${backend?.host}:${backend?.port}/`)).body).toBe(`Welcome to nginx on pod ${newest.metadata.name}\n`);

    await sim.scaleDeployment('web', 'nginx', 2);
    expect(sim.objects.list<Pod>('pods', 'web')).toHaveLength(2);
    expect(await ksm()).toContain('kube_deployment_status_replicas_available{namespace="web",deployment="nginx"} 2\n');
    // Scale-in removes the newest pod first; its own nginx and exporter processes go with it.
    const removed = pods.filter((p) => !sim.objects.get('pods', 'web', p.metadata.name));
    expect(removed.map((p) => p.metadata.name)).toEqual([newest.metadata.name]);
    expect(processAlive(pid)).toBe(false);
  });

  it('the real Prometheus scrapes the exporters and every kubelet through the apiserver', async () => {
    const prometheus = sim.backendFor('monitoring', 'prometheus-k8s-0', 9090);
    expect(prometheus?.kind).toBe('process');
    const query = async (promql: string) => {
      const { body } = await fetchText(`http://${prometheus?.host}:${prometheus?.port}/api/v1/query?query=${encodeURIComponent(promql)}`);
      return (JSON.parse(body) as { data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }).data.result;
    };
    const wanted = ['node-exporter', 'nginx', 'kube-state-metrics', 'pushgateway', 'prometheus', 'metallb'];
    const deadline = Date.now() + 45_000;
    let up: Array<{ metric: Record<string, string>; value: [number, string] }> = [];
    for (;;) {
      up = await query('up == 1');
      const jobs = new Set(up.map((r) => r.metric.job));
      if (wanted.every((j) => jobs.has(j)) && up.filter((r) => r.metric.job === 'kubelet').length === 3) break;
      if (Date.now() > deadline) throw new Error(`targets not all up: ${JSON.stringify(up.map((r) => r.metric))}`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    const nodeExporter = up.find((r) => r.metric.job === 'node-exporter' && r.metric.node === 'minikube-m02');
    const pod = sim.objects.list<Pod>('pods', 'monitoring').find((p) => p.metadata.name.startsWith('node-exporter-') && p.spec.nodeName === 'minikube-m02');
    expect(nodeExporter?.metric).toMatchObject({ namespace: 'monitoring', pod: pod?.metadata.name, instance: '192.168.49.3:9100' });
    const cadvisor = await query('container_cpu_usage_seconds_total{job="kubelet",id="/",node="datagen-1-35"}');
    expect(cadvisor).toHaveLength(1);
    expect(sim.requests.some((r) => r.user === 'system:serviceaccount:monitoring:prometheus-k8s' && r.path === '/api/v1/nodes/minikube-m03/proxy/metrics/cadvisor' && r.status === 200)).toBe(true);
  });
});

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
