/**
 * A small JSON Schema checker for tests (the subset strict structured output uses: type and type
 * arrays, properties/required/additionalProperties, items/minItems/maxItems, anyOf/oneOf/allOf,
 * enum, const, string lengths in code points, pattern, number bounds and multipleOf, local $ref).
 * Written here rather than adding a validator to the project; it runs in Node and in workerd.
 */
type Schema = Record<string, unknown>;

const typeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

const deepEqual = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every way `value` breaks `schema` (empty when it is valid), each prefixed with its JSON path. */
export function schemaErrors(schema: unknown, value: unknown, root: unknown = schema, at = '$'): string[] {
  if (schema === true || schema === undefined) return [];
  if (schema === false) return [`${at}: no value is allowed`];
  let s = schema as Schema;
  for (let hops = 0; typeof s.$ref === 'string' && hops < 20; hops++) {
    let target: unknown = root;
    for (const part of (s.$ref as string).replace(/^#\/?/, '').split('/').filter(Boolean)) target = (target as Schema)?.[part];
    if (!target) return [`${at}: unresolvable $ref ${String(s.$ref)}`];
    const { $ref: _ref, ...rest } = s;
    s = { ...(target as Schema), ...rest };
  }
  const errors: string[] = [];
  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const actual = typeOf(value);
  if (types && !types.some((type) => type === actual || (type === 'number' && actual === 'integer'))) {
    return [`${at}: expected ${types.join('|')}, got ${actual}`];
  }
  if ('const' in s && !deepEqual(s.const, value)) errors.push(`${at}: expected const ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((option) => deepEqual(option, value))) errors.push(`${at}: not one of the enum`);
  if (Array.isArray(s.anyOf) && !s.anyOf.some((branch) => schemaErrors(branch, value, root, at).length === 0))
    errors.push(`${at}: matches no anyOf branch`);
  if (Array.isArray(s.oneOf) && s.oneOf.filter((branch) => schemaErrors(branch, value, root, at).length === 0).length !== 1)
    errors.push(`${at}: does not match exactly one oneOf branch`);
  if (Array.isArray(s.allOf)) for (const branch of s.allOf) errors.push(...schemaErrors(branch, value, root, at));
  if (typeof value === 'string') {
    const length = Array.from(value).length;
    if (typeof s.minLength === 'number' && length < s.minLength) errors.push(`${at}: shorter than ${s.minLength}`);
    if (typeof s.maxLength === 'number' && length > s.maxLength) errors.push(`${at}: longer than ${s.maxLength}`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${at}: does not match ${s.pattern}`);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${at}: below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${at}: above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) errors.push(`${at}: not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) errors.push(`${at}: not below ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number' && Math.abs(value / s.multipleOf - Math.round(value / s.multipleOf)) > 1e-9)
      errors.push(`${at}: not a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) errors.push(`${at}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) errors.push(`${at}: more than ${s.maxItems} items`);
    if (s.items !== undefined) value.forEach((item, index) => errors.push(...schemaErrors(s.items, item, root, `${at}[${index}]`)));
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    for (const name of (s.required ?? []) as string[]) if (!(name in object)) errors.push(`${at}: missing ${name}`);
    for (const [name, item] of Object.entries(object)) {
      if (name in properties) errors.push(...schemaErrors(properties[name], item, root, `${at}.${name}`));
      else if (s.additionalProperties === false) errors.push(`${at}: unexpected property ${name}`);
      else if (typeof s.additionalProperties === 'object')
        errors.push(...schemaErrors(s.additionalProperties, item, root, `${at}.${name}`));
    }
  }
  return errors;
}
