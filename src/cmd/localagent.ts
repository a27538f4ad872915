/**
 * The node agent `k8ts server` runs next to itself (unless --disable-agent), as k3s does: a child
 * process `k8ts agent` joining through the server's HTTPS address with the node token, sharing the
 * data dir (it keeps its state under <data-dir>/agent). Its log lines go to the server's stderr.
 *
 * Contract: `stop()` sends SIGTERM to that PID, SIGKILL after 20 s, and resolves once it exited.
 * A child that dies on its own is started again after 2 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../util/logger.js';

export interface LocalAgentOptions {
  server: string;
  tokenFile: string;
  caFile: string;
  dataDir: string;
  nodeName: string;
  args: string[];
  logLevel: string;
}

export function startLocalAgent(o: LocalAgentOptions, log: Logger): { stop(): Promise<void> } {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  let child: ChildProcess | undefined;
  let stopping = false;
  let restart: NodeJS.Timeout | undefined;
  const launch = () => {
    const args = [main, 'agent', '--server', o.server, '--token-file', o.tokenFile, '--ca-file', o.caFile, '--data-dir', o.dataDir, '--node-name', o.nodeName, '--log-level', o.logLevel, ...o.args];
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child = c;
    log.info({ pid: c.pid, node: o.nodeName }, 'local agent started');
    c.once('exit', (code, sig) => {
      child = undefined;
      if (stopping) return;
      log.error({ code, signal: sig }, 'local agent exited; starting it again');
      restart = setTimeout(launch, 2_000);
    });
  };
  launch();
  return {
    async stop() {
      stopping = true;
      if (restart) clearTimeout(restart);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((r) => c.once('exit', () => r()));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(t);
    },
  };
}
