import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

/** Loose kubeconfig shapes for building test files (the real schema is client-go's clientcmd/v1). */
export interface TestKubeconfig {
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts?: { name: string; context: Record<string, unknown> }[];
  'current-context'?: string;
}

/** Writes a kubeconfig as YAML (creating folders) and returns its path. */
export function writeKubeconfig(path: string, config: TestKubeconfig): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify({ apiVersion: 'v1', kind: 'Config', ...config }));
  return path;
}

/**
 * Unique strings standing for secrets. Tests assert that none of them appears in summaries, error
 * messages, logs or anything else that leaves the credentials objects.
 */
export const CANARY = {
  token: 'canary-token-5b1f0e9d2c7a4e31',
  password: 'canary-password-8d3e6a1f0b2c',
  keyData: 'canary-keydata-3f9a7c2e1d0b',
  envValue: 'canary-envvalue-6e2d9b1c4a7f',
  idToken: 'canary-idtoken-1a2b3c4d5e6f',
  pluginToken: 'canary-plugintoken-9c8b7a6d5e4f',
  stderr: 'canary-stderr-2e4f6a8c0b1d',
} as const;

/** Every canary that occurs in `text`, for one readable assertion. */
export function canariesIn(text: string): string[] {
  return Object.values(CANARY).filter((canary) => text.includes(canary));
}
