import { describe, expect, it } from 'vitest';
import { runCli } from '../../../../main/cli/index.js';

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe('slicewise command line', () => {
  it('prints help listing the commands', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Slicewise \d+\.\d+\.\d+/);
    expect(stdout).toMatch(/Usage: slicewise <command>/);
    expect(stdout).toMatch(/^ {2}web +serve Slicewise to your browser/m);
  });

  it('prints the package version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    const { version } = (await import('../../../../package.json', { with: { type: 'json' } })).default as { version: string };
    expect(stdout).toBe(`${version}\n`);
  });

  it('rejects an unknown command or flag with exit 2 and a hint', async () => {
    for (const argv of [['frobnicate'], ['--frobnicate']]) {
      const { code, stdout, stderr } = await run(...argv);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/unknown (command|flag) "(--)?frobnicate"\. Run "slicewise --help"/);
    }
  });

  it('rejects a bad flag of a command with exit 2 and its usage', async () => {
    const { code, stderr } = await run('web', '--colour');
    expect(code).toBe(2);
    expect(stderr).toMatch(/Unknown option '--colour'/);
    expect(stderr).toMatch(/Usage: slicewise web/);
    const port = await run('web', '--port', 'eighty');
    expect(port.code).toBe(2);
    expect(port.stderr).toMatch(/--port must be a whole number/);
  });

  it('without a command, shows help and exits 2', async () => {
    const { code, stdout } = await run();
    expect(code).toBe(2);
    expect(stdout).toMatch(/Commands:/);
  });
});
