/** A convict schema leaf: has a `default`. Anything else with object values is a section. */
export interface SchemaLeaf {
  readonly doc: string;
  readonly default: unknown;
  readonly format?: unknown;
  readonly nullable?: boolean;
  readonly sensitive?: boolean;
  /**
   * A file or directory: a relative value in a config file is relative to that file's directory, and a
   * relative default to the project root (see `ConfigInputs.baseDir`).
   */
  readonly path?: boolean;
  /** JSON type, for turning `CODEX_*` and `--set` strings into values when the default does not tell (null). */
  readonly type?: string;
}

export type SchemaNode = SchemaLeaf | {readonly [key: string]: SchemaNode};

export function isSchemaLeaf(node: SchemaNode): node is SchemaLeaf {
  return typeof node === 'object' && node !== null && 'default' in node && 'doc' in node;
}

/** Every leaf of a schema with its dotted key, in declaration order. */
export function schemaLeaves(node: Record<string, SchemaNode>, prefix = ''): Array<[string, SchemaLeaf]> {
  const leaves: Array<[string, SchemaLeaf]> = [];
  for (const [name, child] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (isSchemaLeaf(child)) leaves.push([key, child]);
    else leaves.push(...schemaLeaves(child as Record<string, SchemaNode>, key));
  }
  return leaves;
}
