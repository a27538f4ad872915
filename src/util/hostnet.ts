/**
 * Host networking commands shared by the kubelet (bridge, hostport chains) and the proxy (service
 * device, rules): running iptables-style binaries with an optional command prefix (e.g.
 * `ip netns exec <ns>` in tests), `iptables-restore --noflush`, and link existence.
 */
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `argv` (prefix, binary, arguments) and resolves with its stdout; rejects when it fails. */
export async function runArgv(argv: string[]): Promise<string> {
  const [cmd, ...args] = argv;
  const { stdout } = await run(cmd!, args, { maxBuffer: 1 << 30 });
  return stdout;
}

/**
 * `iptables-restore --noflush -w 5` with `input` on stdin. `argv` is the command (prefix and
 * restore binary, default `iptables-restore`). Rejects with the exit code and stderr.
 */
export function iptablesRestore(input: string, argv: string[] = ['iptables-restore']): Promise<void> {
  const [cmd, ...pre] = argv;
  return new Promise((resolve, reject) => {
    const p = spawn(cmd!, [...pre, '--noflush', '-w', '5'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`iptables-restore failed (${code}): ${err.trim().slice(0, 2000)}`))));
    p.stdin.on('error', () => {}); // reported through 'close'
    p.stdin.end(input);
  });
}

export async function linkExists(name: string): Promise<boolean> {
  try {
    await run('ip', ['link', 'show', 'dev', name]);
    return true;
  } catch {
    return false;
  }
}
