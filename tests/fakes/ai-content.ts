/**
 * What the fake AI server (tests/fakes/ai.ts) answers: a value valid against the strict JSON
 * Schema the request sent, filled with plausible Arabic and English copy for the business the owner
 * described. Pure functions (no Node API), so Worker tests can use them too.
 *
 * - The business: salon, clinic, restaurant, coach, shop or a generic one, detected from the
 *   owner's words (Arabic or English); its name is taken when quoted («…», "…", “…”) or introduced
 *   ("called …", "اسمه …"), and a Gulf area named in the text (السالمية, Jabriya…) is reused.
 * - The schema walk: objects (every property), arrays within minItems/maxItems, anyOf/oneOf (a
 *   branch chosen per array item, preferring a discriminator `const` that fits the position:
 *   hero first, footer or contact last), enums, const, $ref to $defs/definitions, nullable
 *   (anyOf null or type arrays: never null when another branch exists), strings within
 *   minLength/maxLength (or "at most N characters" / "not empty" in the description, as schemas
 *   for providers without length keywords say it) and matching `pattern` (unique slug ids for
 *   id-like patterns), numbers and
 *   integers within their bounds. An `{ar, en}` object gets the Arabic copy in `ar` and the English
 *   in `en`; other strings follow the language of the description.
 * - Copy is chosen from the property name (title, subtitle, name, description, question, answer,
 *   quote, label, address, button, phone, price, alt…) and the item's position, so a list of
 *   services or FAQs does not repeat itself, and `seed` varies the choice between requests.
 *
 * `strictSchemaProblems` lists what OpenAI's strict mode refuses (additionalProperties not false, a
 * property not required), so the fake answers 400 where the real service would.
 */

export type JsonSchema = Record<string, unknown>;

type Pair = { ar: string; en: string };
type Kind = 'salon' | 'clinic' | 'restaurant' | 'coach' | 'shop' | 'generic';

interface Business {
  kind: Kind;
  name: Pair;
  area: Pair;
  services: Pair[];
  taglines: Pair[];
  faqs: Array<{ q: Pair; a: Pair }>;
  quotes: Pair[];
}

const PEOPLE: Pair[] = [
  { ar: 'نورة العتيبي', en: 'Noura Al-Otaibi' },
  { ar: 'فهد الكندري', en: 'Fahad Al-Kandari' },
  { ar: 'مريم الشمري', en: 'Maryam Al-Shammari' },
  { ar: 'عبدالله الرشيدي', en: 'Abdullah Al-Rashidi' },
  { ar: 'سارة المطيري', en: 'Sara Al-Mutairi' },
  { ar: 'يوسف البلوشي', en: 'Yousef Al-Balushi' },
];

const AREAS: Pair[] = [
  { ar: 'السالمية', en: 'Salmiya' },
  { ar: 'حولي', en: 'Hawalli' },
  { ar: 'الجابرية', en: 'Jabriya' },
  { ar: 'الفروانية', en: 'Farwaniya' },
  { ar: 'مدينة الكويت', en: 'Kuwait City' },
  { ar: 'الأحمدي', en: 'Ahmadi' },
  { ar: 'دبي', en: 'Dubai' },
  { ar: 'الرياض', en: 'Riyadh' },
  { ar: 'الدوحة', en: 'Doha' },
  { ar: 'المنامة', en: 'Manama' },
  { ar: 'مسقط', en: 'Muscat' },
];

const KINDS: Record<Kind, { words: RegExp; name: Pair; services: Pair[]; taglines: Pair[]; faqs: Array<{ q: Pair; a: Pair }> }> = {
  salon: {
    words: /salon|hair|beauty|barber|nail|spa|صالون|تجميل|شعر|حلاق|أظافر|سبا/i,
    name: { ar: 'صالون لمسة', en: 'Lamsa Salon' },
    services: [
      { ar: 'قص وتصفيف الشعر', en: 'Haircut and styling' },
      { ar: 'صبغة الشعر', en: 'Hair colouring' },
      { ar: 'عناية بالأظافر', en: 'Nail care' },
      { ar: 'مكياج المناسبات', en: 'Occasion make-up' },
      { ar: 'علاج البشرة', en: 'Facial treatment' },
    ],
    taglines: [
      { ar: 'جمالك بأيدٍ خبيرة', en: 'Your look, in expert hands' },
      { ar: 'إطلالة تليق بك في كل مناسبة', en: 'A look for every occasion' },
    ],
    faqs: [
      {
        q: { ar: 'هل أحتاج إلى حجز مسبق؟', en: 'Do I need to book ahead?' },
        a: { ar: 'نعم، احجزي موعدك عبر الموقع لنضمن لك الوقت المناسب.', en: 'Yes, book online so your time is kept for you.' },
      },
      {
        q: { ar: 'ما المنتجات التي تستخدمونها؟', en: 'Which products do you use?' },
        a: { ar: 'نستخدم منتجات احترافية لطيفة على الشعر والبشرة.', en: 'Professional products that are gentle on hair and skin.' },
      },
    ],
  },
  clinic: {
    words: /clinic|dental|dentist|doctor|medical|physio|عيادة|طبيب|أسنان|طبي|علاج طبيعي/i,
    name: { ar: 'عيادة الشفاء', en: 'Al-Shifa Clinic' },
    services: [
      { ar: 'كشف عام', en: 'General check-up' },
      { ar: 'تنظيف الأسنان', en: 'Dental cleaning' },
      { ar: 'استشارة متخصصة', en: 'Specialist consultation' },
      { ar: 'متابعة دورية', en: 'Follow-up visit' },
      { ar: 'تحاليل مخبرية', en: 'Lab tests' },
    ],
    taglines: [
      { ar: 'رعاية طبية تثق بها', en: 'Medical care you can trust' },
      { ar: 'صحتك أولويتنا', en: 'Your health comes first' },
    ],
    faqs: [
      {
        q: { ar: 'هل تقبلون التأمين الصحي؟', en: 'Do you accept health insurance?' },
        a: { ar: 'نتعامل مع أغلب شركات التأمين، اسألنا عند الحجز.', en: 'We work with most insurers; ask us when you book.' },
      },
      {
        q: { ar: 'ما مواعيد العيادة؟', en: 'When is the clinic open?' },
        a: { ar: 'من السبت إلى الخميس، صباحاً ومساءً.', en: 'Saturday to Thursday, mornings and evenings.' },
      },
    ],
  },
  restaurant: {
    words: /restaurant|kitchen|cafe|café|coffee|food|bakery|grill|مطعم|مطبخ|مقهى|قهوة|كافيه|مخبز|مشويات|أكل/i,
    name: { ar: 'مطبخ الديرة', en: 'Al-Deera Kitchen' },
    services: [
      { ar: 'مجبوس دجاج', en: 'Chicken machboos' },
      { ar: 'مرقوق باللحم', en: 'Lamb margoog' },
      { ar: 'سمك زبيدي مشوي', en: 'Grilled zubaidi fish' },
      { ar: 'لقيمات بالدبس', en: 'Luqaimat with date syrup' },
      { ar: 'شاي كرك', en: 'Karak tea' },
    ],
    taglines: [
      { ar: 'طعم البيت الكويتي', en: 'The taste of a Kuwaiti home' },
      { ar: 'أطباق طازجة كل يوم', en: 'Fresh dishes every day' },
    ],
    faqs: [
      {
        q: { ar: 'هل يوجد توصيل؟', en: 'Do you deliver?' },
        a: { ar: 'نعم، نوصل إلى أغلب المناطق القريبة.', en: 'Yes, to most nearby areas.' },
      },
      {
        q: { ar: 'هل تستقبلون حجوزات العائلات؟', en: 'Can families reserve a table?' },
        a: { ar: 'بكل سرور، احجزوا طاولتكم مسبقاً.', en: 'Gladly; reserve your table ahead.' },
      },
    ],
  },
  coach: {
    words: /coach|trainer|fitness|gym|yoga|tutor|lessons|مدرب|مدربة|تدريب|لياقة|نادي|يوغا|دروس/i,
    name: { ar: 'المدرب خالد', en: 'Coach Khaled' },
    services: [
      { ar: 'تدريب شخصي', en: 'Personal training' },
      { ar: 'برنامج تغذية', en: 'Nutrition plan' },
      { ar: 'حصص جماعية', en: 'Group sessions' },
      { ar: 'تدريب عن بعد', en: 'Online coaching' },
      { ar: 'تقييم اللياقة', en: 'Fitness assessment' },
    ],
    taglines: [
      { ar: 'خطوتك الأولى نحو نسخة أقوى منك', en: 'Your first step to a stronger you' },
      { ar: 'نتائج حقيقية بخطة تناسبك', en: 'Real results with a plan that fits you' },
    ],
    faqs: [
      {
        q: { ar: 'هل يناسب التدريب المبتدئين؟', en: 'Is it right for beginners?' },
        a: { ar: 'نعم، نبدأ من مستواك ونتقدم خطوة بخطوة.', en: 'Yes, we start at your level and build up.' },
      },
      { q: { ar: 'كم مدة الحصة؟', en: 'How long is a session?' }, a: { ar: 'ستون دقيقة في الغالب.', en: 'Usually sixty minutes.' } },
    ],
  },
  shop: {
    words: /shop|store|boutique|perfume|abaya|flowers|gifts|متجر|محل|بوتيك|عطور|عبايات|ورد|هدايا/i,
    name: { ar: 'متجر الورد', en: 'Al-Ward Store' },
    services: [
      { ar: 'عطور شرقية', en: 'Oriental perfumes' },
      { ar: 'بخور ودهن عود', en: 'Bukhoor and oud oil' },
      { ar: 'هدايا مغلفة', en: 'Wrapped gifts' },
      { ar: 'تنسيقات ورد', en: 'Flower arrangements' },
      { ar: 'توصيل في نفس اليوم', en: 'Same-day delivery' },
    ],
    taglines: [
      { ar: 'هدايا تفرح من تحب', en: 'Gifts that delight the ones you love' },
      { ar: 'جودة تستحقها', en: 'Quality you deserve' },
    ],
    faqs: [
      {
        q: { ar: 'هل يمكن الاستبدال؟', en: 'Can I exchange an item?' },
        a: { ar: 'نعم، خلال سبعة أيام مع الفاتورة.', en: 'Yes, within seven days with the receipt.' },
      },
      {
        q: { ar: 'ما طرق الدفع؟', en: 'How can I pay?' },
        a: { ar: 'كي نت والبطاقات والدفع عند الاستلام.', en: 'K-Net, cards or cash on delivery.' },
      },
    ],
  },
  generic: {
    words: /$^/,
    name: { ar: 'مشروعي', en: 'My Business' },
    services: [
      { ar: 'استشارة أولى', en: 'First consultation' },
      { ar: 'خدمة مخصصة', en: 'Tailored service' },
      { ar: 'متابعة بعد الخدمة', en: 'After-service follow-up' },
      { ar: 'باقة شاملة', en: 'All-in package' },
    ],
    taglines: [
      { ar: 'خدمة موثوقة في الكويت', en: 'Trusted service in Kuwait' },
      { ar: 'نهتم بالتفاصيل', en: 'We care about the details' },
    ],
    faqs: [
      {
        q: { ar: 'كيف أحجز موعداً؟', en: 'How do I book?' },
        a: { ar: 'اختر الخدمة والوقت من صفحة الحجز.', en: 'Pick a service and a time on the booking page.' },
      },
      {
        q: { ar: 'أين تقعون؟', en: 'Where are you?' },
        a: { ar: 'تجد عنواننا وخريطة الموقع في أسفل الصفحة.', en: 'Our address and map are at the bottom of the page.' },
      },
    ],
  },
};

/** Questions every kind of business gets, after its own. */
const COMMON_FAQS: Array<{ q: Pair; a: Pair }> = [
  { q: { ar: 'كيف أدفع؟', en: 'How do I pay?' }, a: { ar: 'بالكي نت أو البطاقة عند الحجز.', en: 'By K-Net or card when you book.' } },
  {
    q: { ar: 'هل يمكنني إلغاء الموعد؟', en: 'Can I cancel my booking?' },
    a: { ar: 'نعم، قبل الموعد بأربع وعشرين ساعة.', en: 'Yes, up to 24 hours before.' },
  },
  { q: { ar: 'هل يوجد موقف سيارات؟', en: 'Is there parking?' }, a: { ar: 'نعم، أمام المدخل مباشرة.', en: 'Yes, right at the entrance.' } },
];

const QUOTES: Pair[] = [
  { ar: 'تجربة رائعة وخدمة راقية، أنصح فيهم.', en: 'A wonderful experience and a classy service; recommended.' },
  { ar: 'مواعيدهم دقيقة والتعامل محترم.', en: 'Always on time and very respectful.' },
  { ar: 'أفضل مكان جربته في المنطقة.', en: 'The best place I have tried in the area.' },
];

const ARABIC = /[\u0600-\u06FF]/;
const QUOTED = /[«“"']([^«»“”"']{2,40})[»”"']/;
const NAMED =
  /(?:called|named)\s+([A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*){0,3})|(?:اسمه|اسمها|باسم|اسم المحل|اسم المشروع)\s*:?\s*([\u0600-\u06FF]+(?:\s+[\u0600-\u06FF]+){0,2})/;

/** The business the owner described, for the copy. */
export function describeBusiness(description: string): Business {
  const kind = (['salon', 'clinic', 'restaurant', 'coach', 'shop'] as const).find((k) => KINDS[k].words.test(description)) ?? 'generic';
  const base = KINDS[kind];
  const found = QUOTED.exec(description)?.[1] ?? (NAMED.exec(description)?.slice(1).find(Boolean) || undefined);
  const quoted = found?.trim();
  const name: Pair = quoted ? { ar: quoted, en: quoted } : base.name;
  const area = AREAS.find((a) => description.includes(a.ar) || description.toLowerCase().includes(a.en.toLowerCase())) ?? AREAS[0]!;
  return { kind, name, area, services: base.services, taglines: base.taglines, faqs: [...base.faqs, ...COMMON_FAQS], quotes: QUOTES };
}

interface Context {
  business: Business;
  arabic: boolean;
  seed: number;
  root: JsonSchema;
  ids: Set<string>;
  depth: number;
  /** How many lists of alternatives were filled so far: each page gets other section types. */
  lists: number;
}

/** Copy for one string, in both languages, from the property name and the item index. */
function copyFor(key: string, path: string[], index: number, ctx: Context): Pair {
  const b = ctx.business;
  const k = key.toLowerCase();
  const parents = path.join('.').toLowerCase();
  const pick = <T>(list: T[], offset = 0) => list[(index + ctx.seed + offset) % list.length]!;
  const service = pick(b.services);
  const person = pick(PEOPLE, 1);
  const faq = pick(b.faqs);
  const inFaq = /faq|question/.test(parents);
  const inTeam = /team|member|staff|people|author/.test(parents);
  const inService = /service|item|menu|product|price|offer/.test(parents);
  const inQuote = /testimonial|review|quote/.test(parents);
  if (/^href$|url$|website/.test(k)) {
    const url = `https://example.com/${slugBase(b.name.en) || b.kind}`;
    return { ar: url, en: url };
  }
  if (/question|^q$/.test(k)) return faq.q;
  if (/answer|^a$/.test(k)) return faq.a;
  if (/quote|review|testimonial/.test(k) || (inQuote && /text|body|content/.test(k))) return pick(b.quotes);
  if (/author|person|customer|client/.test(k) || (inTeam && /name/.test(k)) || (inQuote && /name/.test(k))) return person;
  if (/role|position|job/.test(k))
    return pick([
      { ar: 'أخصائية', en: 'Specialist' },
      { ar: 'المدير', en: 'Manager' },
      { ar: 'مستشار', en: 'Consultant' },
    ]);
  if (/button|cta|action|label|link/.test(k))
    return pick([
      { ar: 'احجز الآن', en: 'Book now' },
      { ar: 'تواصل معنا', en: 'Contact us' },
      { ar: 'اعرف المزيد', en: 'Learn more' },
    ]);
  if (/address|location/.test(k)) return { ar: `${b.area.ar}، شارع ${index + 1}، الكويت`, en: `Street ${index + 1}, ${b.area.en}, Kuwait` };
  if (/area|city/.test(k)) return b.area;
  if (/phone|mobile|whatsapp|tel/.test(k)) return { ar: '+96522223333', en: '+96522223333' };
  if (/email/.test(k)) return { ar: 'hello@example.com', en: 'hello@example.com' };
  if (/hours|time|days|schedule/.test(k)) return { ar: 'السبت – الخميس، ٩ صباحاً – ٩ مساءً', en: 'Saturday – Thursday, 9 am – 9 pm' };
  if (/price|cost|amount/.test(k)) return { ar: `${5 + index * 3} د.ك`, en: `${5 + index * 3} KWD` };
  if (/alt|caption/.test(k)) return { ar: `صورة من ${b.name.ar}: ${service.ar}`, en: `${b.name.en}: ${service.en}` };
  if (/subtitle|tagline|subheading|slogan|lead|kicker/.test(k)) return pick(b.taglines);
  if (/title|heading|headline|^h\d$/.test(k)) {
    if (inFaq) return { ar: 'الأسئلة الشائعة', en: 'Frequently asked questions' };
    if (inService) return service;
    if (inTeam) return { ar: 'فريقنا', en: 'Our team' };
    if (inQuote) return { ar: 'ماذا يقول عملاؤنا', en: 'What our customers say' };
    if (index === 0) return { ar: `${b.name.ar} في ${b.area.ar}`, en: `${b.name.en} in ${b.area.en}` };
    return pick([
      { ar: 'خدماتنا', en: 'Our services' },
      { ar: `لماذا ${b.name.ar}؟`, en: `Why ${b.name.en}?` },
      { ar: 'احجز موعدك', en: 'Book your visit' },
    ]);
  }
  if (/name/.test(k)) return inService ? service : /site|business|brand|project|company/.test(k) || path.length <= 1 ? b.name : service;
  if (/description|body|text|content|summary|about|intro|details|paragraph|bio|note/.test(k)) {
    if (inService) return { ar: `${service.ar} في ${b.name.ar} بعناية واهتمام.`, en: `${service.en} at ${b.name.en}, done with care.` };
    return {
      ar: `${b.name.ar} في ${b.area.ar}: ${pick(b.taglines).ar}. نقدم ${service.ar} وأكثر، واحجز موعدك بسهولة.`,
      en: `${b.name.en} in ${b.area.en}: ${pick(b.taglines).en}. We offer ${service.en.toLowerCase()} and more; book in a few taps.`,
    };
  }
  return pick([service, pick(b.taglines), b.name]);
}

const chars = (text: string) => Array.from(text);

/** Cuts at maxLength (code points, as JSON Schema counts), on a word boundary when one is near. */
function fit(text: string, min: number, max: number): string {
  let out = text;
  if (chars(out).length > max) {
    const cut = chars(out).slice(0, max).join('');
    const space = cut.lastIndexOf(' ');
    out = (space > max * 0.6 ? cut.slice(0, space) : cut).trim();
    if (chars(out).length < min) out = chars(text).slice(0, max).join('');
  }
  while (chars(out).length < min) out += out ? ' ' + out : 'x';
  return chars(out).length > max ? chars(out).slice(0, max).join('') : out;
}

function slugBase(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** A readable stem for ids: `section` for sections[].id, `page` for pages[].id, else the key without its "Id". */
function idBase(key: string, path: string[]): string {
  const own = slugBase(key.replace(/_?id$/i, ''));
  if (own) return own;
  const parent = [...path].reverse().find((part) => slugBase(part)) ?? 'item';
  return slugBase(parent).replace(/ies$/, 'y').replace(/s$/, '') || 'item';
}

/** A string that matches `pattern`, from a list of plausible shapes; undefined when none does. */
function forPattern(pattern: string, key: string, path: string[], index: number, ctx: Context, max: number): string | undefined {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
  const base = idBase(key, path);
  const candidates: string[] = [];
  for (let n = index + 1; n < index + 50; n++) candidates.push(`${base}-${n}`.slice(0, Math.max(1, max)), `${base}${n}`, `${base}_${n}`);
  const others = [
    '/',
    // Page paths, with and without the trailing slash.
    ...['services', 'about', 'contact', 'booking', 'menu', 'gallery', 'team', 'faq'].flatMap((word) => [`/${word}`, `/${word}/`]),
    ...Array.from({ length: 20 }, (_, n) => [`/${base}-${n + 1}`, `/${base}-${n + 1}/`]).flat(),
    '#1f6f5c',
    '#0B6B3A',
    '+96522223333',
    '96522223333',
    'https://example.com',
    'hello@example.com',
    '09:00',
    '2027-01-15',
    'KW',
    'ar',
    slugBase(ctx.business.name.en) || 'kwq8',
  ];
  // `pageId`, `sectionId`…: a reference, to the first of its kind (page-1, section-1), which exists.
  if (/[a-z]Id$/.test(key)) {
    const reference = `${base}-1`;
    if (re.test(reference) && chars(reference).length <= max) return reference;
  }
  for (const candidate of [...candidates, ...others]) {
    if (chars(candidate).length > max || !re.test(candidate)) continue;
    if (/id$|slug|key|path/i.test(key) || candidates.includes(candidate)) {
      if (ctx.ids.has(candidate)) continue;
      ctx.ids.add(candidate);
    }
    return candidate;
  }
  return undefined;
}

function resolve(schema: JsonSchema, ctx: Context): JsonSchema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string' && hops < 20; hops++) {
    const ref = current.$ref as string;
    if (!ref.startsWith('#')) throw new Error(`unsupported $ref ${ref}`);
    let target: unknown = ctx.root;
    for (const part of ref.slice(1).split('/').filter(Boolean))
      target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (!target || typeof target !== 'object') throw new Error(`unresolvable $ref ${ref}`);
    const { $ref: _ref, ...rest } = current;
    current = { ...(target as JsonSchema), ...rest };
  }
  return current;
}

/** The discriminator value of an object branch: the first property with a const or a one-value enum. */
function discriminator(branch: JsonSchema, ctx: Context): string | undefined {
  const properties = resolve(branch, ctx).properties as Record<string, JsonSchema> | undefined;
  for (const property of Object.values(properties ?? {})) {
    const p = resolve(property, ctx);
    if (typeof p.const === 'string') return p.const;
    if (Array.isArray(p.enum) && p.enum.length === 1 && typeof p.enum[0] === 'string') return p.enum[0];
  }
  return undefined;
}

const FIRST = /hero|header|intro|banner/;
const LAST = /footer|contact|cta|call|booking/;

function chooseBranch(branches: JsonSchema[], index: number, count: number, ctx: Context): JsonSchema {
  const usable = branches.filter((b) => resolve(b, ctx).type !== 'null');
  if (!usable.length) return branches[0]!;
  const named = usable.map((branch) => ({ branch, tag: discriminator(branch, ctx) ?? '' }));
  const position = index === 0 ? FIRST : index === count - 1 && count > 1 ? LAST : undefined;
  const fitting = position && named.find((n) => position.test(n.tag));
  if (fitting) return fitting.branch;
  const middle = named.filter((n) => !FIRST.test(n.tag) && !LAST.test(n.tag));
  const pool = middle.length ? middle : named;
  return pool[(index + ctx.seed + ctx.lists * 3) % pool.length]!.branch;
}

function isPair(schema: JsonSchema, ctx: Context): boolean {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  if (!properties) return false;
  const keys = Object.keys(properties).sort();
  return keys.length === 2 && keys[0] === 'ar' && keys[1] === 'en' && keys.every((key) => resolve(properties[key]!, ctx).type === 'string');
}

function numberFor(schema: JsonSchema, key: string, index: number, integer: boolean): number {
  const k = key.toLowerCase();
  let min = typeof schema.minimum === 'number' ? schema.minimum : -1e9;
  let max = typeof schema.maximum === 'number' ? schema.maximum : 1e9;
  if (typeof schema.exclusiveMinimum === 'number') min = Math.max(min, schema.exclusiveMinimum + (integer ? 1 : 0.01));
  if (typeof schema.exclusiveMaximum === 'number') max = Math.min(max, schema.exclusiveMaximum - (integer ? 1 : 0.01));
  let want = /price|cost|amount|fils/.test(k)
    ? k.includes('fils')
      ? (5 + index * 3) * 1000
      : 5 + index * 3
    : /minute|duration/.test(k)
      ? [30, 45, 60, 90][index % 4]!
      : /rating|stars/.test(k)
        ? 5
        : /year/.test(k)
          ? 2015 + index
          : /order|position|index|rank/.test(k)
            ? index
            : index + 1;
  want = Math.min(max, Math.max(min, want));
  if (integer) want = Math.min(Math.floor(max), Math.max(Math.ceil(min), Math.round(want)));
  const step = typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : undefined;
  if (step) {
    const up = Math.ceil(want / step) * step;
    want = up <= max ? up : Math.floor(want / step) * step;
  }
  return want;
}

function generate(
  schemaIn: JsonSchema,
  key: string,
  path: string[],
  index: number,
  count: number,
  ctx: Context,
  lang?: 'ar' | 'en',
): unknown {
  if (ctx.depth > 40) throw new Error('schema nests too deeply');
  const schema = resolve(schemaIn, ctx);
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) {
    const values = schema.enum.filter((v) => v !== null);
    const list = values.length ? values : schema.enum;
    return list[(index + ctx.seed + key.length) % list.length];
  }
  const branches = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(branches) && branches.length)
    return generate(chooseBranch(branches, index, count, ctx), key, path, index, count, ctx, lang);
  if (Array.isArray(schema.allOf)) {
    const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
    for (const part of schema.allOf as JsonSchema[]) {
      const p = resolve(part, ctx);
      Object.assign(merged.properties as object, p.properties ?? {});
    }
    return generate(merged, key, path, index, count, ctx, lang);
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? 'null';
  if (type === undefined) type = schema.properties ? 'object' : schema.items ? 'array' : 'string';
  ctx.depth++;
  try {
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return (index + ctx.seed) % 3 !== 2;
      case 'integer':
      case 'number':
        return numberFor(schema, key, index, type === 'integer');
      case 'array': {
        const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
        const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
        const items = (schema.items ?? {}) as JsonSchema;
        // A list of alternatives (sections of several types) gets one of each, up to five.
        const choices = resolve(items, ctx);
        const kinds =
          ((choices.anyOf ?? choices.oneOf) as JsonSchema[] | undefined)?.filter((b) => resolve(b, ctx).type !== 'null').length ?? 0;
        const wanted = kinds > 1 ? Math.min(kinds, 5) : /section/.test(key.toLowerCase()) ? 5 : 3;
        const n = Math.max(min, Math.min(max, wanted));
        if (kinds > 1) ctx.lists++;
        return Array.from({ length: n }, (_, i) => generate(items, key, [...path, key], i, n, ctx, lang));
      }
      case 'object': {
        const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
        if (isPair(schema, ctx)) {
          const pair = copyFor(key, path, index, ctx);
          const ar = generateString(resolve(properties.ar!, ctx), key, path, index, ctx, pair.ar);
          const en = generateString(resolve(properties.en!, ctx), key, path, index, ctx, pair.en);
          return { ar, en };
        }
        const out: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(properties))
          out[name] = generate(property, name, [...path, key], index, count, ctx, lang);
        return out;
      }
      default: {
        const pair = copyFor(key, path, index, ctx);
        const language = lang ?? (key === 'ar' ? 'ar' : key === 'en' ? 'en' : ctx.arabic ? 'ar' : 'en');
        return generateString(schema, key, path, index, ctx, pair[language]);
      }
    }
  } finally {
    ctx.depth--;
  }
}

function generateString(schema: JsonSchema, key: string, path: string[], index: number, ctx: Context, copy: string): string {
  // Schemas for providers whose strict mode refuses minLength/maxLength say it in the description.
  const description = typeof schema.description === 'string' ? schema.description : '';
  const said = /at most (\d+) characters/.exec(description);
  const min = typeof schema.minLength === 'number' ? schema.minLength : /not empty/.test(description) ? 1 : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : said ? Number(said[1]) : 400;
  const format = schema.format;
  if (typeof schema.pattern === 'string') {
    const matching = fit(copy, min, max);
    try {
      if (new RegExp(schema.pattern, 'u').test(matching) && !/id$|slug|path/i.test(key)) return matching;
    } catch {
      // forPattern reports below
    }
    const made = forPattern(schema.pattern, key, path, index, ctx, max);
    if (made !== undefined) return made;
    throw new Error(`cannot make a string for pattern ${schema.pattern}`);
  }
  if (format === 'uri' || format === 'url') return fit(`https://example.com/${slugBase(ctx.business.name.en) || 'site'}`, min, max);
  if (format === 'email') return 'hello@example.com';
  if (format === 'date') return '2027-01-15';
  if (format === 'date-time') return '2027-01-15T09:00:00Z';
  if (format === 'time') return '09:00:00';
  if (/^(id|.*Id|.*_id)$/.test(key)) {
    for (let n = index + 1; ; n++) {
      const id = fit(`${idBase(key, path)}-${n}`, min, max);
      if (!ctx.ids.has(id)) {
        ctx.ids.add(id);
        return id;
      }
    }
  }
  return fit(copy, min, max);
}

/** A value valid against `schema`, with copy for the business in `description`; `seed` varies the choices. */
export function answerFor(schema: JsonSchema, description: string, seed = 0): unknown {
  const ctx: Context = {
    business: describeBusiness(description),
    arabic: ARABIC.test(description),
    seed,
    root: schema,
    ids: new Set(),
    depth: 0,
    lists: 0,
  };
  return generate(schema, '', [], 0, 1, ctx);
}

/** What OpenAI's strict structured output refuses in `schema` (empty when it would take it). */
export function strictSchemaProblems(schema: unknown, at = '$'): string[] {
  if (!schema || typeof schema !== 'object') return [];
  const s = schema as JsonSchema;
  const problems: string[] = [];
  const type = s.type;
  const isObject = type === 'object' || (Array.isArray(type) && type.includes('object'));
  if (isObject) {
    if (s.additionalProperties !== false) problems.push(`${at}: additionalProperties must be false`);
    const keys = Object.keys((s.properties ?? {}) as object);
    const required = Array.isArray(s.required) ? s.required : [];
    for (const name of keys) if (!required.includes(name)) problems.push(`${at}.${name}: every property must be required`);
  }
  for (const [name, value] of Object.entries((s.properties ?? {}) as object))
    problems.push(...strictSchemaProblems(value, `${at}.${name}`));
  if (s.items) problems.push(...strictSchemaProblems(s.items, `${at}[]`));
  for (const word of ['anyOf', 'allOf', 'oneOf'] as const)
    if (Array.isArray(s[word])) (s[word] as unknown[]).forEach((b, i) => problems.push(...strictSchemaProblems(b, `${at}.${word}[${i}]`)));
  for (const word of ['$defs', 'definitions'] as const)
    for (const [name, value] of Object.entries((s[word] ?? {}) as object))
      problems.push(...strictSchemaProblems(value, `${at}.${word}.${name}`));
  return problems;
}

/** The owner's words: the last user message's text. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown };
    if (message?.role !== 'user') continue;
    let text = '';
    if (typeof message.content === 'string') text = message.content;
    else if (Array.isArray(message.content))
      text = message.content.map((part: { text?: unknown }) => (typeof part?.text === 'string' ? part.text : '')).join(' ');
    // KWq8's own messages are JSON: the owner's words are its owner_request (a repair turn has
    // none, so the request before it counts), as a model reading the message would take them.
    const data = jsonObject(text);
    if (data && typeof data.owner_request === 'string') return data.owner_request;
    if (data && 'repair' in data) continue;
    return text;
  }
  return '';
}

function jsonObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
