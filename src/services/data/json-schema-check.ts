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

/**
 * A schema object's keywords read once into fixed fields. Checking a manifest visits the same few schema
 * objects thousands of times; reading keywords from object literals of many shapes each time (`'const' in`,
 * `schema['minLength']`, …) cost more than the checks themselves.
 */
interface CompiledSchema {
  readonly hasConst: boolean;
  readonly constValue: unknown;
  readonly enumValues: readonly unknown[] | undefined;
  /** The `type` keyword as a list of names, and as the problem text names it. */
  readonly types: readonly string[] | undefined;
  readonly typeText: string;
  readonly minLength: number | undefined;
  readonly pattern: RegExp | undefined;
  readonly patternSource: string | undefined;
  readonly minimum: number | undefined;
  readonly maximum: number | undefined;
  readonly exclusiveMinimum: number | undefined;
  readonly minItems: number | undefined;
  readonly items: SchemaObject | undefined;
  readonly required: readonly string[] | undefined;
  readonly properties: Record<string, SchemaObject> | undefined;
  readonly hasPropertyRules: boolean;
  readonly additional: unknown;
  readonly oneOf: readonly SchemaObject[] | undefined;
}

const compiledSchemas = new WeakMap<SchemaObject, CompiledSchema>();

function compiled(schema: SchemaObject): CompiledSchema {
  let result = compiledSchemas.get(schema);
  if (result === undefined) {
    const type = schema['type'];
    const number = (keyword: string) => (typeof schema[keyword] === 'number' ? (schema[keyword] as number) : undefined);
    const patternSource = typeof schema['pattern'] === 'string' ? schema['pattern'] : undefined;
    const properties = schema['properties'] as Record<string, SchemaObject> | undefined;
    const additional = schema['additionalProperties'];
    result = {
      hasConst: 'const' in schema,
      constValue: schema['const'],
      enumValues: Array.isArray(schema['enum']) ? (schema['enum'] as unknown[]) : undefined,
      types: type === undefined ? undefined : Array.isArray(type) ? type.map((one) => String(one)) : [String(type)],
      typeText: type === undefined ? '' : ([] as unknown[]).concat(type).join(' or '),
      minLength: number('minLength'),
      pattern: patternSource === undefined ? undefined : new RegExp(patternSource, 'u'),
      patternSource,
      minimum: number('minimum'),
      maximum: number('maximum'),
      exclusiveMinimum: number('exclusiveMinimum'),
      minItems: number('minItems'),
      items: (schema['items'] as SchemaObject | undefined) || undefined,
      required: (schema['required'] as string[] | undefined) || undefined,
      properties,
      hasPropertyRules: Boolean(properties) || additional !== undefined,
      additional,
      oneOf: Array.isArray(schema['oneOf']) ? (schema['oneOf'] as SchemaObject[]) : undefined,
    };
    compiledSchemas.set(schema, result);
  }
  return result;
}

export function checkJsonSchema(value: unknown, schema: SchemaObject): string | undefined {
  return check(value, schema, []);
}

/** `path` is a stack of keys, turned into a string only when there is a problem to report. */
function check(value: unknown, schemaObject: SchemaObject, path: Array<string | number>): string | undefined {
  const schema = compiled(schemaObject);
  if (schema.hasConst && value !== schema.constValue) return `${at(path)}must be equal to constant ${JSON.stringify(schema.constValue)}`;
  if (schema.enumValues && !schema.enumValues.includes(value)) return `${at(path)}must be one of ${schema.enumValues.join(', ')}`;
  if (schema.types && !schema.types.some((one) => hasType(value, one))) return `${at(path)}must be ${schema.typeText}`;
  if (typeof value === 'string') {
    if (schema.minLength !== undefined && value.length < schema.minLength)
      return `${at(path)}must NOT have fewer than ${schema.minLength} characters`;
    if (schema.pattern && !schema.pattern.test(value)) return `${at(path)}must match pattern "${schema.patternSource}"`;
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${at(path)}must be >= ${schema.minimum}`;
    if (schema.maximum !== undefined && value > schema.maximum) return `${at(path)}must be <= ${schema.maximum}`;
    if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return `${at(path)}must be > ${schema.exclusiveMinimum}`;
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems)
      return `${at(path)}must NOT have fewer than ${schema.minItems} items`;
    if (schema.items) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        const problem = check(value[i], schema.items, path);
        path.pop();
        if (problem) return problem;
      }
    }
  }
  if (isObject(value)) {
    if (schema.required)
      for (const key of schema.required) if (value[key] === undefined) return `${at(path)}must have required property '${key}'`;
    if (schema.hasPropertyRules) {
      const {properties, additional} = schema;
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
  if (schema.oneOf) {
    const matches = schema.oneOf.filter((option) => check(value, option, path) === undefined).length;
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
