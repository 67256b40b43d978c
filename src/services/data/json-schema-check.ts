/**
 * Checks a value against the subset of JSON Schema (draft-07) that the data manifest schema uses: `type`,
 * `const`, `enum`, `pattern`, `minLength`, `minimum`, `exclusiveMinimum`, `maximum`, `minItems`, `required`,
 * `properties`, `additionalProperties`, `items` and `oneOf`. Returns the first problem as
 * `field /a/0/b <what is wrong>`, or undefined when the value conforms.
 *
 * Why not a general validator at run time: compiling the schema with one costs more than verifying a whole
 * cached dataset, and `data:verify` must stay nearly free on unchanged data. The tests check this against a
 * full JSON Schema implementation.
 */
export type SchemaObject = {readonly [keyword: string]: unknown};

// Compiled once per pattern: a manifest checks the same few patterns thousands of times.
const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let pattern = patterns.get(source);
  if (!pattern) {
    pattern = new RegExp(source, 'u');
    patterns.set(source, pattern);
  }
  return pattern;
}

export function checkJsonSchema(value: unknown, schema: SchemaObject): string | undefined {
  return check(value, schema, []);
}

/** `path` is a stack of keys, turned into a string only when there is a problem to report. */
function check(value: unknown, schema: SchemaObject, path: Array<string | number>): string | undefined {
  if ('const' in schema && value !== schema['const']) return `${at(path)}must be equal to constant ${JSON.stringify(schema['const'])}`;
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value))
    return `${at(path)}must be one of ${(schema['enum'] as unknown[]).join(', ')}`;
  const type = schema['type'];
  if (type !== undefined && !(Array.isArray(type) ? type.some((one) => hasType(value, String(one))) : hasType(value, String(type)))) {
    return `${at(path)}must be ${([] as unknown[]).concat(type).join(' or ')}`;
  }
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength'])
      return `${at(path)}must NOT have fewer than ${schema['minLength']} characters`;
    if (typeof schema['pattern'] === 'string' && !patternOf(schema['pattern']).test(value))
      return `${at(path)}must match pattern "${schema['pattern']}"`;
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return `${at(path)}must be >= ${schema['minimum']}`;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return `${at(path)}must be <= ${schema['maximum']}`;
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum'])
      return `${at(path)}must be > ${schema['exclusiveMinimum']}`;
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems'])
      return `${at(path)}must NOT have fewer than ${schema['minItems']} items`;
    const items = schema['items'] as SchemaObject | undefined;
    if (items) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const problem = check(value[i], items, path);
        path.pop();
        if (problem) return problem;
      }
    }
  }
  if (isObject(value)) {
    const required = schema['required'] as string[] | undefined;
    if (required) for (const key of required) if (value[key] === undefined) return `${at(path)}must have required property '${key}'`;
    const properties = schema['properties'] as Record<string, SchemaObject> | undefined;
    const additional = schema['additionalProperties'];
    if (properties || additional !== undefined) {
      for (const key in value) {
        const child = value[key];
        // JSON has no undefined: a key holding it is an absent key.
        if (child === undefined) continue;
        const childSchema =
          properties && Object.hasOwn(properties, key)
            ? properties[key]
            : additional === false
              ? undefined
              : (additional as SchemaObject | undefined);
        if (childSchema === undefined && additional === false) return `${at(path)}must NOT have additional properties (${key})`;
        if (childSchema) {
          path.push(key);
          const problem = check(child, childSchema, path);
          path.pop();
          if (problem) return problem;
        }
      }
    }
  }
  if (Array.isArray(schema['oneOf'])) {
    const matches = (schema['oneOf'] as SchemaObject[]).filter((option) => check(value, option, path) === undefined).length;
    if (matches !== 1) return `${at(path)}must match exactly one schema in oneOf`;
  }
  return undefined;
}

/** The problem prefix for `path`; a plain function, not a closure per checked value (a manifest has thousands). */
function at(path: ReadonlyArray<string | number>): string {
  return path.length === 0 ? '' : `field /${path.join('/')} `;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
