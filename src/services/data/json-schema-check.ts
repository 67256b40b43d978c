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

export function checkJsonSchema(value: unknown, schema: SchemaObject, path = ''): string | undefined {
  const at = path === '' ? '' : `field ${path} `;
  if ('const' in schema && value !== schema['const']) return `${at}must be equal to constant ${JSON.stringify(schema['const'])}`;
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value))
    return `${at}must be one of ${(schema['enum'] as unknown[]).join(', ')}`;
  const types = schema['type'] === undefined ? undefined : ([] as unknown[]).concat(schema['type']);
  if (types && !types.some((type) => hasType(value, String(type)))) return `${at}must be ${types.join(' or ')}`;
  if (typeof value === 'string') {
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength'])
      return `${at}must NOT have fewer than ${schema['minLength']} characters`;
    if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern'], 'u').test(value))
      return `${at}must match pattern "${schema['pattern']}"`;
  }
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) return `${at}must be >= ${schema['minimum']}`;
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) return `${at}must be <= ${schema['maximum']}`;
    if (typeof schema['exclusiveMinimum'] === 'number' && value <= schema['exclusiveMinimum'])
      return `${at}must be > ${schema['exclusiveMinimum']}`;
  }
  if (Array.isArray(value)) {
    if (typeof schema['minItems'] === 'number' && value.length < schema['minItems'])
      return `${at}must NOT have fewer than ${schema['minItems']} items`;
    const items = schema['items'] as SchemaObject | undefined;
    if (items) {
      for (let i = 0; i < value.length; i++) {
        const problem = checkJsonSchema(value[i], items, `${path}/${i}`);
        if (problem) return problem;
      }
    }
  }
  if (isObject(value)) {
    for (const key of (schema['required'] as string[] | undefined) ?? []) {
      if (!(key in value) || value[key] === undefined) return `${path === '' ? '' : `field ${path} `}must have required property '${key}'`;
    }
    const properties = (schema['properties'] as Record<string, SchemaObject> | undefined) ?? {};
    const additional = schema['additionalProperties'];
    for (const [key, child] of Object.entries(value)) {
      // JSON has no undefined: a key holding it is an absent key.
      if (child === undefined) continue;
      const childSchema = Object.hasOwn(properties, key)
        ? properties[key]
        : additional === false
          ? undefined
          : (additional as SchemaObject | undefined);
      if (childSchema === undefined && additional === false) return `${at}must NOT have additional properties (${key})`;
      if (childSchema) {
        const problem = checkJsonSchema(child, childSchema, `${path}/${key}`);
        if (problem) return problem;
      }
    }
  }
  if (Array.isArray(schema['oneOf'])) {
    const matches = (schema['oneOf'] as SchemaObject[]).filter((option) => checkJsonSchema(value, option, path) === undefined).length;
    if (matches !== 1) return `${at}must match exactly one schema in oneOf`;
  }
  return undefined;
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
