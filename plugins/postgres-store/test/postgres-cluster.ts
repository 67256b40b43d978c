import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, readdirSync} from 'node:fs';
import {chown, mkdtemp, rm} from 'node:fs/promises';
import {createServer} from 'node:net';
import {delimiter, join} from 'node:path';

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a fresh temp directory, `pg_ctl start` on a free port,
 * trust authentication on 127.0.0.1 only, stopped and removed by `stop()` (and, should the test process die
 * first, by an exit hook). As root (CI), the server runs as the `postgres` user, which cannot enter a mode-700
 * clone: its directory is made under /tmp and handed to that user.
 */
export class PostgresCluster {
  private constructor(
    readonly port: number,
    readonly directory: string,
    private readonly onExit: () => void,
  ) {}

  /** Where initdb and pg_ctl live, or undefined when PostgreSQL is not installed. */
  static binDir(): string | undefined {
    for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'pg_ctl'))) return dir;
    const debian = '/usr/lib/postgresql';
    if (!existsSync(debian)) return undefined;
    const versions = readdirSync(debian)
      .filter((version) => existsSync(join(debian, version, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    return versions[0] === undefined ? undefined : join(debian, versions[0], 'bin');
  }

  static async start(): Promise<PostgresCluster> {
    const bin = PostgresCluster.binDir();
    if (bin === undefined) throw new Error('PostgreSQL is not installed (no pg_ctl on PATH or in /usr/lib/postgresql/*/bin)');
    const root = process.getuid?.() === 0;
    const directory = await mkdtemp(join(root ? '/tmp' : (process.env.TMPDIR ?? '/tmp'), 'codex-pg-'));
    const asUser: string[] = [];
    if (root) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'}).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], {encoding: 'utf8'}).trim());
      await chown(directory, uid, gid);
      asUser.push('setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups');
    }
    const data = join(directory, 'data');
    const port = await freePort();
    const run = (tool: string, args: readonly string[]) => {
      const command = [...asUser, join(bin, tool), ...args];
      const result = spawnSync(command[0] as string, command.slice(1), {cwd: directory, encoding: 'utf8', timeout: 120_000});
      if (result.status !== 0) throw new Error(`${tool} failed (${result.status}): ${result.stderr || result.stdout}`);
    };
    run('initdb', ['-D', data, '--auth=trust', '--username=codex', '--encoding=UTF8', '--locale=C', '--no-sync']);
    const stop = () => {
      const command = [...asUser, join(bin, 'pg_ctl'), 'stop', '-D', data, '-m', 'immediate', '-w'];
      spawnSync(command[0] as string, command.slice(1), {cwd: directory, stdio: 'ignore', timeout: 60_000});
    };
    process.once('exit', stop);
    const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    try {
      run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(directory, 'server.log'), '-o', options]);
    } catch (error) {
      process.removeListener('exit', stop);
      await rm(directory, {recursive: true, force: true});
      throw error;
    }
    return new PostgresCluster(port, directory, stop);
  }

  /** A URL for the cluster's `postgres` database as the `codex` superuser (trust: no password needed). */
  url(database = 'postgres', password?: string): string {
    return `postgres://codex${password === undefined ? '' : `:${encodeURIComponent(password)}`}@127.0.0.1:${this.port}/${database}`;
  }

  async stop(): Promise<void> {
    this.onExit();
    process.removeListener('exit', this.onExit);
    await rm(this.directory, {recursive: true, force: true});
  }
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
