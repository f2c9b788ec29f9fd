import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  API_ARG_SCHEMAS,
  API_METHODS,
  EVENT_PARAM_SCHEMAS,
  EVENT_TOPICS,
  IPC_CHANNELS,
  checkSchema,
  isApiMethod,
  isEventTopic,
  type Api,
  type ApiMethod,
  type EventTopic,
  type Events,
} from '../../../preload/contract/index.js';

describe('contract name lists', () => {
  it('cover every key of Api and Events, at the type level', () => {
    // If a key were missing from the runtime list, these element types would differ.
    expectTypeOf<(typeof API_METHODS)[number]>().toEqualTypeOf<keyof Api>();
    expectTypeOf<(typeof EVENT_TOPICS)[number]>().toEqualTypeOf<keyof Events>();
    expectTypeOf<keyof typeof API_ARG_SCHEMAS>().toEqualTypeOf<ApiMethod>();
    expectTypeOf<keyof typeof EVENT_PARAM_SCHEMAS>().toEqualTypeOf<EventTopic>();
  });

  it('are the schema keys, without duplicates, in domain.verb / domain.noun form', () => {
    expect([...API_METHODS].sort()).toEqual(Object.keys(API_ARG_SCHEMAS).sort());
    expect([...EVENT_TOPICS].sort()).toEqual(Object.keys(EVENT_PARAM_SCHEMAS).sort());
    expect(new Set(API_METHODS).size).toBe(API_METHODS.length);
    for (const name of [...API_METHODS, ...EVENT_TOPICS]) expect(name).toMatch(/^[a-z]+(\.[a-z][A-Za-z]*)+$/);
    expect(API_METHODS).toContain('app.info');
    expect(API_METHODS).toContain('contexts.list');
  });

  it('recognise only contract names, including against prototype keys', () => {
    expect(isApiMethod('app.info')).toBe(true);
    expect(isApiMethod('toString')).toBe(false);
    expect(isApiMethod('__proto__')).toBe(false);
    expect(isEventTopic('session.status')).toBe(true);
    expect(isEventTopic('constructor')).toBe(false);
    expect(isApiMethod(42)).toBe(false);
  });

  it('prefixes every IPC channel', () => {
    for (const channel of Object.values(IPC_CHANNELS)) expect(channel).toMatch(/^slicewise:/);
  });
});

describe('checkSchema', () => {
  const schema = {
    type: 'object',
    props: {
      name: { type: 'string', maxLength: 5 },
      count: { type: 'number', min: 0, max: 10, integer: true, optional: true },
      mode: { type: 'enum', values: ['a', 'b'] },
      tags: { type: 'array', items: { type: 'string', maxLength: 3 }, maxItems: 2, optional: true },
    },
  } as const;

  it('accepts conforming values', () => {
    expect(checkSchema(schema, { name: 'abc', mode: 'a' })).toBeNull();
    expect(checkSchema(schema, { name: 'abc', mode: 'b', count: 3, tags: ['x'] })).toBeNull();
    expect(checkSchema({ type: 'null' }, null)).toBeNull();
    expect(checkSchema({ type: 'null' }, undefined)).toBeNull();
  });

  it('names the first problem', () => {
    expect(checkSchema(schema, { name: 'abcdef', mode: 'a' })).toMatch(/argument.name is longer than 5/);
    expect(checkSchema(schema, { name: 'a', mode: 'c' })).toMatch(/argument.mode must be one of a, b/);
    expect(checkSchema(schema, { name: 'a', mode: 'a', count: 1.5 })).toMatch(/integer/);
    expect(checkSchema(schema, { name: 'a', mode: 'a', extra: 1 })).toMatch(/argument.extra is not expected/);
    expect(checkSchema(schema, { name: 'a', mode: 'a', tags: ['a', 'b', 'c'] })).toMatch(/more than 2 items/);
    expect(checkSchema(schema, [])).toMatch(/must be an object/);
    expect(checkSchema({ type: 'null' }, 'x')).toMatch(/must be empty/);
    expect(checkSchema({ type: 'number', min: 0, max: 1 }, Number.NaN)).toMatch(/finite/);
  });
});
