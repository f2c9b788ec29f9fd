import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../helpers/fixtures.js';

const config = parse(readFileSync(join(REPO_ROOT, 'build', 'electron-builder.yml'), 'utf8'));
const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8'));

/** Turns an electron-builder files pattern list into a predicate (negations remove, last match wins). */
function isPackaged(path: string): boolean {
  let included = false;
  for (const pattern of config.files as string[]) {
    const negate = pattern.startsWith('!');
    const glob = negate ? pattern.slice(1) : pattern;
    const source = glob
      .split(/(\*\*\/|\*\*|\*)/)
      .map((part) => (part === '**/' ? '(?:.*/)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+^${}()|[\]\\?]/g, '\\$&')))
      .join('');
    const regex = new RegExp(`^${source}$`);
    if (regex.test(path)) included = !negate;
  }
  return included;
}

describe('electron-builder configuration', () => {
  it('has the targets for Linux, macOS and Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb', 'rpm']);
    expect(config.mac.target).toEqual(['dmg', 'zip']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
  });

  it('packs into asar and only ships the built app', () => {
    expect(config.asar).toBe(true);
    for (const path of ['package.json', 'out/main/index.cjs', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js']) {
      expect(isPackaged(path), path).toBe(true);
    }
    for (const path of [
      'out/main/index.cjs.map',
      'out/renderer/assets/index-abc.js.map',
      'out/test/sim.cjs',
      'main/index.ts',
      'renderer/App.svelte',
      'test/unit/build/packaging.test.ts',
      'node_modules/ws/index.js',
      'out/dist/Slicewise.AppImage',
      '../shared/fixtures/SOURCES.md',
    ]) {
      expect(isPackaged(path), path).toBe(false);
    }
  });

  it('sets every fuse electron-builder knows explicitly, to the hardened value', () => {
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties).filter((name) => name !== 'resetAdHocDarwinSignature');
    expect(Object.keys(config.electronFuses).sort()).toEqual(known.sort());
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('validates against electron-builder’s own JSON schema (top-level keys)', () => {
    const allowed = Object.keys(schema.properties);
    for (const key of Object.keys(config)) expect(allowed, key).toContain(key);
  });

  it('points at icons that exist', () => {
    expect(existsSync(join(REPO_ROOT, config.mac.icon))).toBe(true);
    expect(existsSync(join(REPO_ROOT, config.win.icon))).toBe(true);
    for (const size of [16, 32, 64, 128, 256, 512]) expect(existsSync(join(REPO_ROOT, config.linux.icon, `${size}x${size}.png`))).toBe(true);
  });

  it('names the Electron main bundle as the package entry', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('out/main/index.cjs');
    expect(pkg.bin.slicewise).toBe('out/main/cli.cjs');
  });
});
