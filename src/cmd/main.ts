/** The `k8ts` command: `k8ts server`, and the subcommands later issues add. */
import { runServer, serverFlags } from './server.js';
import { FlagError, parseFlags, usage } from './flags.js';

const help = async (): Promise<string> => `k8ts — Kubernetes, built again in TypeScript

Usage:
  k8ts server [flags]    run the control plane (API server on HTTPS)
  k8ts agent [flags]     join nodes to a cluster (for now: --simulate N hollow nodes)

Server flags:
${usage(serverFlags)}

Agent flags:
${usage((await import('./agent.js')).agentFlags)}
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server': {
      const flags = parseFlags(serverFlags, rest);
      return runServer(flags);
    }
    case 'agent': {
      const { agentFlags, runAgent } = await import('./agent.js');
      return runAgent(parseFlags(agentFlags, rest));
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(await help());
      return 0;
    default:
      process.stderr.write(`unknown command "${cmd}"\n\n${await help()}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // Long-running commands have stopped everything they started; exit now rather than wait on stray handles.
    process.exit(code);
  },
  (err) => {
    if (err instanceof FlagError) {
      process.stderr.write(`Error: ${err.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
