/**
 * Hand-written strict JSON Schemas of the shapes the builder will ask the model for (a site of
 * pages of typed sections, one section, a theme), for the fake AI server's tests: nested
 * anyOf with const discriminators, arrays with bounds, enums, patterns, nullable fields, tight
 * maxLength, integer bounds and multipleOf, `{ar, en}` texts and $defs references.
 */
const obj = (properties: Record<string, unknown>) => ({
  type: 'object',
  additionalProperties: false,
  required: Object.keys(properties),
  properties,
});

const text = (maxLength = 200) => ({ $ref: `#/$defs/text${maxLength}` });
const textDef = (maxLength: number) =>
  obj({ ar: { type: 'string', minLength: 1, maxLength }, en: { type: 'string', minLength: 1, maxLength } });
const ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,39}$' };

const section = (type: string, props: Record<string, unknown>) =>
  obj({ id: ID, type: { type: 'string', const: type }, variant: { type: 'string', enum: ['a', 'b', 'c'] }, props: obj(props) });

const link = {
  anyOf: [
    obj({ kind: { type: 'string', const: 'page' }, pageId: ID }),
    obj({ kind: { type: 'string', const: 'phone' }, phone: { type: 'string', pattern: '^\\+[0-9]{8,15}$' } }),
    obj({ kind: { type: 'string', const: 'url' }, url: { type: 'string', pattern: '^https://[^\\s]{1,200}$' } }),
  ],
};

const sectionAnyOf = {
  anyOf: [
    section('hero', { title: text(60), subtitle: text(120), button: { anyOf: [obj({ label: text(24), link }), { type: 'null' }] } }),
    section('services', {
      title: text(60),
      items: {
        type: 'array',
        minItems: 2,
        maxItems: 8,
        items: obj({
          name: text(40),
          description: text(160),
          priceFils: { type: 'integer', minimum: 0, maximum: 1_000_000, multipleOf: 250 },
          durationMinutes: { type: ['integer', 'null'], minimum: 15, maximum: 240 },
        }),
      },
    }),
    section('faq', {
      title: text(60),
      items: { type: 'array', minItems: 1, maxItems: 10, items: obj({ question: text(120), answer: text(400) }) },
    }),
    section('testimonials', {
      items: {
        type: 'array',
        minItems: 1,
        maxItems: 6,
        items: obj({ quote: text(200), author: text(40), rating: { type: 'integer', minimum: 1, maximum: 5 } }),
      },
    }),
    section('hours', {
      days: {
        type: 'array',
        minItems: 7,
        maxItems: 7,
        items: obj({
          day: { type: 'string', enum: ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] },
          open: { type: ['string', 'null'], pattern: '^[0-2][0-9]:[0-5][0-9]$' },
        }),
      },
    }),
    section('footer', { address: text(120), phone: { type: 'string', pattern: '^\\+[0-9]{8,15}$' } }),
  ],
};

const defs = {
  text24: textDef(24),
  text40: textDef(40),
  text60: textDef(60),
  text120: textDef(120),
  text160: textDef(160),
  text200: textDef(200),
  text400: textDef(400),
};

/** A first site: a theme and pages of sections. */
export const SITE_SCHEMA = {
  ...obj({
    theme: obj({
      primaryColor: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' },
      font: { type: 'string', enum: ['noto-kufi', 'system'] },
      radius: { type: 'number', minimum: 0, maximum: 2 },
    }),
    pages: {
      type: 'array',
      minItems: 1,
      maxItems: 3,
      items: obj({
        id: ID,
        path: { type: 'string', pattern: '^/([a-z0-9-]{1,30}/)?$' },
        title: text(60),
        sections: { type: 'array', minItems: 3, maxItems: 8, items: sectionAnyOf },
      }),
    },
  }),
  $defs: defs,
};

/** One section (component_generation). */
export const SECTION_SCHEMA = {
  ...obj({ section: sectionAnyOf, note: { anyOf: [{ type: 'string', maxLength: 12 }, { type: 'null' }] } }),
  $defs: defs,
};

/** Edit operations (simple_edit / chat_message): a union at the top, tight strings. */
export const OPERATIONS_SCHEMA = {
  ...obj({
    answer: { type: 'string', maxLength: 300 },
    operations: {
      type: 'array',
      minItems: 0,
      maxItems: 1,
      items: {
        anyOf: [
          obj({
            op: { type: 'string', const: 'set_text' },
            sectionId: ID,
            field: { type: 'string', enum: ['title', 'subtitle'] },
            value: text(60),
          }),
          obj({ op: { type: 'string', const: 'remove_section' }, sectionId: ID }),
        ],
      },
    },
  }),
  $defs: defs,
};

export const SCHEMAS = { site: SITE_SCHEMA, section: SECTION_SCHEMA, operations: OPERATIONS_SCHEMA } as const;
