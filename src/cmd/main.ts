/** The `k8ts` command: `k8ts server`, and the subcommands later issues add. */
import { FlagError, parseFlags, usage } from './flags.js';

const help = async (): Promise<string> => `k8ts — Kubernetes, built again in TypeScript

Usage:
  k8ts server [flags]                run the control plane (API server on HTTPS)
  k8ts agent [flags]                 join a real node (containerd) to a cluster, or --simulate N hollow nodes
  k8ts image import FILE... [flags]  load OCI layout or docker-save tars into the node's containerd
  k8ts image ls [flags]              list the node's images (as crictl images)
  k8ts image export-offline FILE     write the built-in busybox and pause images as an OCI layout tar

Server flags:
${usage((await import('./server.js')).serverFlags)}

Agent flags:
${usage((await import('./agent.js')).agentFlags)}

Image flags:
${usage((await import('./image.js')).imageFlags)}
`;

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'server': {
      // Loaded on demand: the server pulls in the whole API server, which agents and the CLI do not need.
      const { runServer, serverFlags } = await import('./server.js');
      return runServer(parseFlags(serverFlags, rest));
    }
    case 'agent': {
      const { agentFlags, runAgent } = await import('./agent.js');
      return runAgent(parseFlags(agentFlags, rest));
    }
    case 'image':
    case 'images':
      return (await import('./image.js')).runImage(rest);
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
