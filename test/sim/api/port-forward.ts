import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { ForwardDrop } from './faults.js';

/**
 * The kubelet's WebSocket port-forward protocol (`v4.channel.k8s.io` and
 * `v4.base64.channel.k8s.io`; protocols.md §2.2): per requested port i, data on channel 2i and
 * errors on channel 2i+1; the server first sends the port as uint16 little-endian on both channels,
 * each as its own message (python-kubernetes insists on exactly 3 bytes), then relays bytes to the
 * TCP address backing that pod port. Source: kubernetes staging/src/k8s.io/kubelet/pkg/cri/streaming/portforward/websocket.go.
 */

/** Subprotocols in the order the server prefers them; "" = no subprotocol offered (binary framing). */
export const PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];

/** Picks the first protocol the client offered that we support (like wsstream.handshake). */
export function choosePortForwardProtocol(offered: readonly string[]): string | null {
  if (offered.length === 0) return '';
  for (const protocol of offered) if (PORT_FORWARD_PROTOCOLS.includes(protocol)) return protocol;
  return null;
}

export interface ForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  /** The TCP address that answers for this pod port, or undefined if nothing listens there. */
  resolve(port: number): { host: string; port: number } | undefined;
}

/** A port-forward session, as listed by `sim.forwards`. */
export interface ForwardInfo {
  readonly id: number;
  readonly namespace: string;
  readonly pod: string;
  readonly ports: readonly number[];
  readonly protocol: string;
  readonly openedMs: number;
  /** Bytes relayed backend → client and client → backend so far. */
  readonly bytesToClient: number;
  readonly bytesFromClient: number;
  /** Why it ended: 'backend-closed' | 'client-closed' | 'dropped' | 'error' | 'server-stopped', or null while open. */
  readonly endReason: string | null;
}

interface MutableForward {
  id: number;
  namespace: string;
  pod: string;
  ports: number[];
  protocol: string;
  openedMs: number;
  bytesToClient: number;
  bytesFromClient: number;
  endReason: string | null;
}

let nextForwardId = 1;

/** Runs one port-forward session until either side closes; returns a function that ends it. */
export function runPortForward(
  ws: WebSocket,
  protocol: string,
  ports: readonly number[],
  target: ForwardTarget,
  options: { drop: ForwardDrop | null; onEnd(info: ForwardInfo): void; register(info: ForwardInfo, stop: () => void): void },
): void {
  const base64 = protocol.includes('base64');
  const info: MutableForward = { id: nextForwardId++, namespace: target.namespace, pod: target.pod, ports: [...ports], protocol, openedMs: Date.now(), bytesToClient: 0, bytesFromClient: 0, endReason: null };
  const sockets: Array<Socket | null> = ports.map(() => null);
  let open = ports.length;
  let ended = false;
  let dropTimer: NodeJS.Timeout | undefined;

  const frame = (channel: number, payload: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(String.fromCharCode(48 + channel) + payload.toString('base64'));
    else ws.send(Buffer.concat([Buffer.from([channel]), payload]));
  };

  const finish = (reason: string, terminate = false) => {
    if (ended) return;
    ended = true;
    info.endReason = reason;
    clearTimeout(dropTimer);
    for (const socket of sockets) socket?.destroy();
    if (terminate) ws.terminate();
    else if (ws.readyState === ws.OPEN) ws.close(1000);
    options.onEnd(info);
  };

  const portDone = () => {
    open--;
    if (open <= 0) finish('backend-closed');
  };

  options.register(info, () => finish('server-stopped', true));
  const drop = options.drop;
  if (drop?.ms !== undefined) dropTimer = setTimeout(() => finish('dropped', true), drop.ms);

  ports.forEach((port, index) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port);
    frame(index * 2, portBytes);
    frame(index * 2 + 1, portBytes);
    const address = target.resolve(port);
    const fail = (cause: string) => {
      frame(index * 2 + 1, Buffer.from(`error forwarding port ${port} to pod ${target.pod}, uid ${target.uid}: ${cause}`));
      sockets[index] = null;
      portDone();
    };
    if (!address) {
      fail(`failed to connect to localhost:${port} inside namespace of pod ${target.namespace}/${target.pod}: dial tcp 127.0.0.1:${port}: connect: connection refused`);
      return;
    }
    const socket = connect({ host: address.host, port: address.port });
    sockets[index] = socket;
    let connected = false;
    socket.on('connect', () => (connected = true));
    socket.on('data', (chunk: Buffer) => {
      if (ended) return;
      let payload = chunk;
      if (drop?.bytes !== undefined) {
        const room = drop.bytes - info.bytesToClient;
        if (room <= 0) return finish('dropped', true);
        if (payload.length > room) payload = payload.subarray(0, room);
      }
      info.bytesToClient += payload.length;
      frame(index * 2, payload);
      if (drop?.bytes !== undefined && info.bytesToClient >= drop.bytes) finish('dropped', true);
    });
    socket.on('error', (error) => {
      if (!connected) fail(`failed to connect to localhost:${port} inside namespace of pod ${target.namespace}/${target.pod}: ${error.message}`);
    });
    socket.on('close', () => {
      if (sockets[index] === socket) {
        sockets[index] = null;
        if (connected) portDone();
      }
    });
  });

  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    let bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    let channel: number;
    if (base64 || !isBinary) {
      const text = bytes.toString('utf8');
      channel = text.charCodeAt(0) - 48;
      bytes = Buffer.from(text.slice(1), 'base64');
    } else {
      channel = bytes[0];
      bytes = bytes.subarray(1);
    }
    if (bytes.length === 0 || channel % 2 !== 0) return;
    const socket = sockets[channel / 2];
    if (!socket) return;
    info.bytesFromClient += bytes.length;
    socket.write(bytes);
  });
  ws.on('close', () => finish('client-closed'));
  ws.on('error', () => finish('error', true));
}
