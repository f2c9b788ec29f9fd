import { describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from '../../helpers/fake-electron.js';
import { IPC_CHANNELS, PRELOAD_GLOBAL, type PreloadApi } from '../../../preload/contract/index.js';

const fake = vi.hoisted(() => ({ electron: null as unknown as FakeElectron }));
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('../../helpers/fake-electron.js');
  fake.electron = createFakeElectron();
  return fake.electron.module;
});

await import('../../../preload/index.js');

describe('preload', () => {
  const api = () => fake.electron.exposed.get(PRELOAD_GLOBAL) as PreloadApi;

  it('exposes exactly call and subscribe on window.slicewise', () => {
    expect([...fake.electron.exposed.keys()]).toEqual([PRELOAD_GLOBAL]);
    expect(Object.keys(api()).sort()).toEqual(['call', 'subscribe']);
    for (const value of Object.values(api())) expect(typeof value).toBe('function');
  });

  it('forwards contract calls and refuses other names without touching IPC', async () => {
    fake.electron.invoked.length = 0;
    fake.electron.setInvoke(async () => ({ ok: true, result: 'pong' }));
    expect(await api().call('app.info', null)).toEqual({ ok: true, result: 'pong' });
    expect(fake.electron.invoked).toEqual([{ channel: IPC_CHANNELS.call, args: ['app.info', null] }]);
    expect(await api().call('fs.readFile', '/etc/passwd')).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(fake.electron.invoked).toHaveLength(1);
  });

  it('passes only the message to subscribers, never the IPC event', async () => {
    fake.electron.setInvoke(async () => ({ ok: true, result: 1 }));
    const received: unknown[][] = [];
    const stop = await api().subscribe('session.status', null, (...args: unknown[]) => received.push(args));
    const subscribeCall = fake.electron.invoked.find((call) => call.channel === IPC_CHANNELS.subscribe);
    const id = subscribeCall?.args[0] as number;
    const listener = fake.electron.rendererListeners.get(IPC_CHANNELS.event);
    const ipcEvent = { sender: { send: () => undefined } };
    listener?.(ipcEvent, { kind: 'event', id, seq: 1, payload: { state: 'idle' } });
    listener?.(ipcEvent, { kind: 'event', id: id + 100, seq: 1, payload: 'someone else' });
    expect(received).toEqual([[{ kind: 'event', id, seq: 1, payload: { state: 'idle' } }]]);
    stop();
    expect(fake.electron.invoked.at(-1)).toEqual({ channel: IPC_CHANNELS.unsubscribe, args: [id] });
    listener?.(ipcEvent, { kind: 'event', id, seq: 2, payload: 'late' });
    expect(received).toHaveLength(1);
  });

  it('reports an unknown topic as ended without asking the main process', async () => {
    const before = fake.electron.invoked.length;
    const received: unknown[] = [];
    await api().subscribe('kubeconfig.secrets', null, (message) => received.push(message));
    expect(fake.electron.invoked.length).toBe(before);
    expect(received).toMatchObject([{ kind: 'ended', error: { code: 'bad-request' } }]);
  });
});
