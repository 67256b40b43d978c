import {type ChildProcess, spawn} from 'node:child_process';
import {existsSync} from 'node:fs';
import {createServer} from 'node:net';
import {delimiter, join} from 'node:path';

/**
 * A throwaway Redis for tests: `redis-server` on a free port of 127.0.0.1, nothing saved to disk, a child of
 * the test process (so it dies with it: stopped by `stop()` or, at the latest, by an exit hook).
 */
export class RedisServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly onExit: () => void,
  ) {}

  static binary(): string | undefined {
    for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin']) {
      if (dir && existsSync(join(dir, 'redis-server'))) return join(dir, 'redis-server');
    }
    return undefined;
  }

  static async start(): Promise<RedisServer> {
    const binary = RedisServer.binary();
    if (binary === undefined) throw new Error('redis-server is not installed');
    const port = await freePort();
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    await new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited ${code}: ${output.slice(-500)}`)));
    });
    child.stdout?.resume();
    return new RedisServer(port, child, onExit);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    process.removeListener('exit', this.onExit);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
