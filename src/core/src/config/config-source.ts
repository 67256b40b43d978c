/** Where a resolved config value came from, lowest precedence first: default < file < env < set. */
export type ConfigSource =
  | {readonly kind: 'default'}
  | {readonly kind: 'file'; readonly path: string}
  | {readonly kind: 'env'; readonly variable: string}
  | {readonly kind: 'set'};

export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case 'default':
      return 'default';
    case 'file':
      return source.path;
    case 'env':
      return `env ${source.variable}`;
    case 'set':
      return '--set';
  }
}
