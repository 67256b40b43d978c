import {userInfo} from 'node:os';
import {CodexError, ExitCode, maskCredentials, maskSecrets} from '@codex-ml/core';
import type {PoolConfig} from 'pg';

/**
 * Which PostgreSQL server and database the store talks to, and how to name it safely. Credentials come only
 * from the URL (`manifest.postgres.url`) or from libpq's standard variables (PGHOST, PGPORT, PGUSER,
 * PGPASSWORD, PGDATABASE), which the driver reads itself; they are never part of a message: `label` has the
 * password masked and `mask` scrubs it from any driver text.
 */
export class PostgresTarget {
  private constructor(
    /** Safe to print: `postgres://user:***@host:5432/db`. */
    readonly label: string,
    readonly config: PoolConfig,
    private readonly secrets: readonly string[],
  ) {}

  static from(url: string | undefined, env: NodeJS.ProcessEnv = process.env): PostgresTarget {
    const secrets = [env.PGPASSWORD ?? ''].filter((secret) => secret !== '');
    if (url === undefined || url === '') {
      const user = env.PGUSER || safeUserName();
      const host = env.PGHOST || 'localhost';
      const label = `postgres://${user}@${host}:${env.PGPORT || '5432'}/${env.PGDATABASE || user} (PG* variables)`;
      return new PostgresTarget(label, {}, secrets);
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalidUrl('it is not a URL');
    }
    if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
      throw invalidUrl(`its scheme is ${parsed.protocol.slice(0, -1)}, not postgres`);
    }
    if (parsed.password !== '') secrets.push(parsed.password, decodeURIComponent(parsed.password));
    return new PostgresTarget(String(maskCredentials(url)), {connectionString: url}, secrets);
  }

  /** `text` with every credential replaced by `***`. */
  mask(text: string): string {
    return maskSecrets(text, this.secrets);
  }
}

function invalidUrl(problem: string): CodexError {
  // The value itself is not shown: it may hold a password.
  return new CodexError('E_CONFIG', `manifest.postgres.url is not usable: ${problem}`, {
    hint: 'give postgres://user@host:5432/database, or leave it empty and set PGHOST, PGUSER, PGDATABASE (and PGPASSWORD)',
    exitCode: ExitCode.config,
  });
}

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'postgres';
  }
}
