import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (this file is test/helpers/fixtures.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * The shared, read-only fixtures beside the checkout (`../shared/fixtures`). They are read in place
 * and never copied into the repository (see ../shared/fixtures/SOURCES.md for their origin).
 */
export const FIXTURES_DIR = process.env.SLICEWISE_FIXTURES ?? resolve(REPO_ROOT, '..', 'shared', 'fixtures');

export function fixturePath(...parts: string[]): string {
  const path = join(FIXTURES_DIR, ...parts);
  if (!existsSync(path)) throw new Error(`fixture missing: ${path} (is ../shared beside the checkout?)`);
  return path;
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

export function readFixtureBytes(...parts: string[]): Buffer {
  return readFileSync(fixturePath(...parts));
}

/** Files (not folders) directly inside a fixture folder, sorted. */
export function listFixtures(...parts: string[]): string[] {
  return readdirSync(fixturePath(...parts), { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort();
}

/** The four complete kubelet /metrics/cadvisor dumps (SOURCES.md §2a). */
export const KUBELET_DUMPS = [
  'k8s-1.35_minikube_containerd-2.2.1_cgroupfs_cgroupv2.prom',
  'k8s-1.20_minikube-docker-desktop_docker-20.10.20_systemd_cgroupv2.prom',
  'k8s-1.20_minikube-vm_docker-20.10.8_systemd_cgroupv1.prom',
  'k8s-1.15_minikube-vm_docker-17.09_cgroupfs_cgroupv1.prom',
] as const;
