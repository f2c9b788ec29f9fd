import { APP_VERSION } from '../core/version.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliIo, type Command } from './command.js';
import { cglsCommand } from './commands/cgls.js';
import { contextsCommand } from './commands/contexts.js';
import { webCommand } from './commands/web.js';
import { parseCommand } from './commands/parse.js';
import { scrapeCommand } from './commands/scrape.js';
import { targetsCommand } from './commands/targets.js';

const COMMANDS: readonly Command[] = [webCommand, contextsCommand, targetsCommand, cglsCommand, parseCommand, scrapeCommand];

function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return `Slicewise ${APP_VERSION}: one Kubernetes node seen whole (cgroups, OS stats, containers), live.

Usage: slicewise <command> [flags]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}

Flags:
  --help     show this help, or a command's help with: slicewise <command> --help
  --version  print the version

Run without a command inside the desktop app; here, try: slicewise web
`;
}

/** Runs the command line and returns the exit code; never calls process.exit itself. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(helpText());
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.stdout(`${APP_VERSION}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === first);
  if (!command) {
    const hint = first.startsWith('-') ? `unknown flag "${first}"` : `unknown command "${first}"`;
    io.stderr(`slicewise: ${hint}. Run "slicewise --help" for the list of commands.\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`slicewise ${command.name}: ${error.message}\n\n${command.usage}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`slicewise ${command.name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILURE;
  }
}

// Entry when bundled as out/main/cli.cjs; importing this module from tests does not run it.
if (typeof require !== 'undefined' && require.main === module) {
  runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`slicewise: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = EXIT_FAILURE;
    },
  );
}
