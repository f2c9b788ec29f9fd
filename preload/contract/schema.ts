/**
 * A deliberately tiny schema language for call arguments and subscription parameters. Bridges check
 * every incoming message against it before the core sees it (Electron checklist item 17; the web
 * server receives the same envelopes from a page it does not trust more than the window).
 */
export type Schema =
  | { type: 'null' }
  | { type: 'string'; maxLength: number; pattern?: string; optional?: boolean }
  | { type: 'number'; min: number; max: number; integer?: boolean; optional?: boolean }
  | { type: 'boolean'; optional?: boolean }
  | { type: 'enum'; values: readonly string[]; optional?: boolean }
  | { type: 'array'; items: Schema; maxItems: number; optional?: boolean }
  | { type: 'object'; props: Readonly<Record<string, Schema>>; optional?: boolean };

/** Returns null when `value` conforms, otherwise a short description of the first mismatch. */
export function checkSchema(schema: Schema, value: unknown, path = 'argument'): string | null {
  if (value === undefined && 'optional' in schema && schema.optional) return null;
  switch (schema.type) {
    case 'null':
      return value === null || value === undefined ? null : `${path} must be empty`;
    case 'string':
      if (typeof value !== 'string') return `${path} must be a string`;
      if (value.length > schema.maxLength) return `${path} is longer than ${schema.maxLength} characters`;
      if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) return `${path} has an invalid format`;
      return null;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return `${path} must be a finite number`;
      if (schema.integer && !Number.isInteger(value)) return `${path} must be an integer`;
      if (value < schema.min || value > schema.max) return `${path} must be between ${schema.min} and ${schema.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${path} must be true or false`;
    case 'enum':
      return typeof value === 'string' && schema.values.includes(value)
        ? null
        : `${path} must be one of ${schema.values.join(', ')}`;
    case 'array': {
      if (!Array.isArray(value)) return `${path} must be a list`;
      if (value.length > schema.maxItems) return `${path} has more than ${schema.maxItems} items`;
      for (let i = 0; i < value.length; i++) {
        const problem = checkSchema(schema.items, value[i], `${path}[${i}]`);
        if (problem) return problem;
      }
      return null;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return `${path} must be an object`;
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!Object.hasOwn(schema.props, key)) return `${path}.${key} is not expected`;
      }
      for (const [key, propSchema] of Object.entries(schema.props)) {
        const problem = checkSchema(propSchema, record[key], `${path}.${key}`);
        if (problem) return problem;
      }
      return null;
    }
  }
}
