/**
 * The section catalogue: every kind of section a site may have, with the zod schema of its props,
 * its named variants (layouts the renderer knows) and one line telling a model what it is for.
 * The catalogue is what limits the model: nothing outside it reaches a page.
 */
import * as z from 'zod/mini';
import { lazy } from '../lazy';
import {
  bodyText,
  clockTime,
  fils,
  httpsUrl,
  labelText,
  longText,
  phoneNumber,
  siteAction,
  siteId,
  siteImage,
  socialHandle,
  SOCIAL_NETWORKS,
  titleText,
} from './primitives';

const list = <T extends z.core.SomeType>(item: T, min: number, max: number) => z.array(item).check(z.minLength(min), z.maxLength(max));
const maybe = <T extends z.core.SomeType>(schema: T) => z.nullable(schema);

export const WEEKDAYS = ['sat', 'sun', 'mon', 'tue', 'wed', 'thu', 'fri'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const CONTACT_FIELDS = ['name', 'phone', 'email', 'message', 'date'] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];
export const DELIVERY_PLATFORMS = ['talabat', 'deliveroo', 'jahez', 'keeta', 'careem'] as const;
export type DeliveryPlatform = (typeof DELIVERY_PLATFORMS)[number];
export const MENU_TAGS = ['popular', 'new', 'spicy', 'vegetarian'] as const;

const priced = () =>
  z.strictObject({
    name: labelText(),
    description: maybe(bodyText()),
    priceFils: maybe(fils()),
    priceFrom: z.boolean(),
    durationMinutes: maybe(z.int().check(z.minimum(5), z.maximum(720))),
  });

function uniqueBy<T>(key: (item: T) => string) {
  return (items: T[]) => new Set(items.map(key)).size === items.length;
}

/** Every section type: props schema, variants, purpose. */
const definitions = {
  hero: {
    purpose: 'The first thing a visitor sees: the business in one strong headline, a sentence, and the main buttons.',
    variants: ['centered', 'split', 'image_background'],
    props: () =>
      z.strictObject({
        eyebrow: maybe(labelText()),
        heading: titleText(),
        subheading: bodyText(),
        image: maybe(siteImage()),
        primary: maybe(siteAction()),
        secondary: maybe(siteAction()),
      }),
  },
  services: {
    purpose: 'A price list of services (name, short description, price in fils, duration), e.g. a salon or clinic menu of treatments.',
    variants: ['list', 'cards', 'compact'],
    props: () => z.strictObject({ heading: titleText(), intro: maybe(bodyText()), items: list(priced(), 1, 24) }),
  },
  menu: {
    purpose: 'A restaurant or cafe menu: categories, each with dishes and prices in fils.',
    variants: ['list', 'cards', 'two_column'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        intro: maybe(bodyText()),
        categories: list(
          z.strictObject({
            name: labelText(),
            items: list(
              z.strictObject({
                name: labelText(),
                description: maybe(bodyText()),
                priceFils: fils(),
                image: maybe(siteImage()),
                tags: z.array(z.enum(MENU_TAGS)).check(z.maxLength(4), z.refine(uniqueBy((tag: string) => tag))),
              }),
              1,
              40,
            ),
          }),
          1,
          12,
        ),
      }),
  },
  gallery: {
    purpose: "Photos of the place, the work or the products, from the project's uploaded images.",
    variants: ['grid', 'strip', 'mosaic'],
    props: () => z.strictObject({ heading: maybe(titleText()), images: list(siteImage(), 1, 24) }),
  },
  booking: {
    purpose: "Invites visitors to book: lists the project's bookable services (from the booking setup) with a button to the booking page.",
    variants: ['cards', 'list'],
    props: () => z.strictObject({ heading: titleText(), intro: maybe(bodyText()), buttonLabel: labelText() }),
  },
  opening_hours: {
    purpose: 'Opening hours per weekday; a day with no periods is closed; split shifts are several periods.',
    variants: ['table', 'compact'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        days: list(
          z.strictObject({ day: z.enum(WEEKDAYS), periods: list(z.strictObject({ opens: clockTime(), closes: clockTime() }), 0, 3) }),
          1,
          7,
        ).check(
          z.refine(
            uniqueBy((d: { day: string }) => d.day),
            'each day once',
          ),
        ),
        note: maybe(bodyText()),
      }),
  },
  location: {
    purpose: 'Where the business is: the address in words and a link to it on the map.',
    variants: ['card', 'inline'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        address: bodyText(),
        mapQuery: z.string().check(z.minLength(1), z.maxLength(200)),
        note: maybe(bodyText()),
      }),
  },
  contact_form: {
    purpose: "A contact form stored in the project's inbox; choose fields from name, phone, email, message, date.",
    variants: ['simple', 'split'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        intro: maybe(bodyText()),
        fields: list(z.strictObject({ name: z.enum(CONTACT_FIELDS), label: labelText(), required: z.boolean() }), 1, 5).check(
          z.refine(
            uniqueBy((f: { name: string }) => f.name),
            'each field once',
          ),
        ),
        submitLabel: labelText(),
        successMessage: bodyText(),
      }),
  },
  testimonials: {
    purpose: 'What customers say: short quotes with their name and an optional star rating.',
    variants: ['cards', 'quotes'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        items: list(
          z.strictObject({
            quote: bodyText(),
            author: labelText(),
            detail: maybe(labelText()),
            rating: maybe(z.int().check(z.minimum(1), z.maximum(5))),
          }),
          1,
          12,
        ),
      }),
  },
  faq: {
    purpose: 'Frequently asked questions with their answers (parking, payment, cancellation, …).',
    variants: ['accordion', 'list'],
    props: () =>
      z.strictObject({ heading: titleText(), items: list(z.strictObject({ question: titleText(), answer: bodyText() }), 1, 24) }),
  },
  team: {
    purpose: 'The people: name, role, a line about them and a photo.',
    variants: ['cards', 'compact'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        intro: maybe(bodyText()),
        members: list(z.strictObject({ name: labelText(), role: labelText(), bio: maybe(bodyText()), image: maybe(siteImage()) }), 1, 24),
      }),
  },
  cta: {
    purpose: 'A call to action: one sentence and a button (book, order, call, WhatsApp).',
    variants: ['banner', 'split'],
    props: () => z.strictObject({ heading: titleText(), text: maybe(bodyText()), action: siteAction(), secondary: maybe(siteAction()) }),
  },
  text: {
    purpose: 'A block of text: about us, the story, a policy. Blank lines separate paragraphs.',
    variants: ['plain', 'highlight'],
    props: () => z.strictObject({ heading: maybe(titleText()), body: longText() }),
  },
  footer: {
    purpose: "The end of every page: a tagline, the business's contact details and a few links.",
    variants: ['simple', 'columns'],
    props: () =>
      z.strictObject({ tagline: maybe(bodyText()), showContact: z.boolean(), links: list(siteAction(), 0, 8), note: maybe(labelText()) }),
  },
  whatsapp: {
    purpose: 'A WhatsApp button, floating in the corner or inline, opening a chat with a prepared message.',
    variants: ['floating', 'inline'],
    props: () => z.strictObject({ number: phoneNumber(), label: labelText(), message: maybe(labelText()) }),
  },
  social: {
    purpose: "The business's Instagram, TikTok, Snapchat and X accounts.",
    variants: ['icons', 'buttons'],
    props: () =>
      z.strictObject({
        heading: maybe(titleText()),
        accounts: list(z.strictObject({ network: z.enum(SOCIAL_NETWORKS), handle: socialHandle() }), 1, 4).check(
          z.refine(
            uniqueBy((a: { network: string }) => a.network),
            'each network once',
          ),
        ),
      }),
  },
  delivery: {
    purpose: 'Order for delivery: links to the business on Talabat, Deliveroo, Jahez, Keeta or Careem.',
    variants: ['buttons', 'cards'],
    props: () =>
      z.strictObject({
        heading: titleText(),
        intro: maybe(bodyText()),
        links: list(z.strictObject({ platform: z.enum(DELIVERY_PLATFORMS), href: httpsUrl() }), 1, 5).check(
          z.refine(
            uniqueBy((l: { platform: string }) => l.platform),
            'each platform once',
          ),
        ),
      }),
  },
} as const;

type Definitions = typeof definitions;
export type SectionType = keyof Definitions;
export const SECTION_TYPES = Object.keys(definitions) as SectionType[];

export type SectionProps<T extends SectionType> = z.infer<ReturnType<Definitions[T]['props']>>;
export type SectionVariant<T extends SectionType> = Definitions[T]['variants'][number];

/** What a model is told about each type, and the layouts it may pick. */
export const SECTION_CATALOGUE: { readonly [T in SectionType]: { purpose: string; variants: readonly SectionVariant<T>[] } } = definitions;

/** The props schema of one section type, built once on first use. */
export const sectionPropsSchema = (() => {
  const getters = Object.fromEntries(
    SECTION_TYPES.map((type) => [type, lazy(definitions[type].props as () => z.core.$ZodType)]),
  ) as unknown as {
    [T in SectionType]: () => ReturnType<Definitions[T]['props']>;
  };
  return <T extends SectionType>(type: T) => getters[type]();
})();

function sectionOf<T extends SectionType>(type: T) {
  return z.strictObject({
    id: siteId(),
    type: z.literal(type),
    variant: z.enum(definitions[type].variants as unknown as [SectionVariant<T>, ...SectionVariant<T>[]]),
    props: sectionPropsSchema(type),
  });
}

/** One section of a given type: `{id, type, variant, props}`. */
export const sectionSchemaOf = (() => {
  const getters = Object.fromEntries(SECTION_TYPES.map((type) => [type, lazy(() => sectionOf(type))])) as unknown as {
    [T in SectionType]: () => ReturnType<typeof sectionOf<T>>;
  };
  return <T extends SectionType>(type: T) => getters[type]();
})();

/** Any section: a union discriminated by `type`. */
export const siteSection = lazy(() =>
  z.discriminatedUnion(
    'type',
    SECTION_TYPES.map((type) => sectionSchemaOf(type)) as unknown as [
      ReturnType<typeof sectionOf<'hero'>>,
      ...{ [T in SectionType]: ReturnType<typeof sectionOf<T>> }[SectionType][],
    ],
  ),
);
export type SiteSection = { [T in SectionType]: z.infer<ReturnType<typeof sectionOf<T>>> }[SectionType];
export type SectionOf<T extends SectionType> = Extract<SiteSection, { type: T }>;
