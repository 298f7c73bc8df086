/**
 * A starting document per business type, with plausible Kuwaiti Arabic and English copy, so an
 * owner (or the model) edits a real site instead of a blank one. Each passes parseSiteDocument and
 * auditSite with no problems (tests/shared/site/templates.test.ts).
 */
import type { SiteSection, Weekday } from './catalogue';
import { parseSiteDocument, type BusinessType, type SiteDocument, type SiteTheme } from './document';
import type { LocalText } from './primitives';

import type { StarterType } from './document';
export { STARTER_TYPES, type StarterType } from './document';

const t = (ar: string, en: string): LocalText => ({ ar, en });
const PHONE = '96522200000';
const WHATSAPP = '96550000000';

const hours = (opens: string, closes: string, friday: { opens: string; closes: string }[] = []): SiteSection => ({
  id: 'hours',
  type: 'opening_hours',
  variant: 'table',
  props: {
    heading: t('أوقات الدوام', 'Opening hours'),
    days: (['sat', 'sun', 'mon', 'tue', 'wed', 'thu'] as Weekday[])
      .map((day) => ({ day, periods: [{ opens, closes }] }))
      .concat([{ day: 'fri', periods: friday }]),
    note: t('نستقبلكم بمواعيد مسبقة وبدون موعد حسب التوفر.', 'Walk-ins welcome when we are free; appointments come first.'),
  },
});

const location = (areaAr: string, areaEn: string): SiteSection => ({
  id: 'location',
  type: 'location',
  variant: 'card',
  props: {
    heading: t('موقعنا', 'Find us'),
    address: t(`${areaAr}، الكويت`, `${areaEn}, Kuwait`),
    mapQuery: `${areaEn}, Kuwait`,
    note: t('مواقف سيارات متوفرة أمام المحل.', 'Parking is available in front of the shop.'),
  },
});

const whatsapp = (): SiteSection => ({
  id: 'whatsapp',
  type: 'whatsapp',
  variant: 'floating',
  props: {
    number: WHATSAPP,
    label: t('راسلنا على واتساب', 'Chat on WhatsApp'),
    message: t('مرحباً، عندي استفسار', 'Hello, I have a question'),
  },
});

const footer = (id = 'footer'): SiteSection => ({
  id,
  type: 'footer',
  variant: 'columns',
  props: {
    tagline: t('نسعد بخدمتكم في الكويت.', 'Happy to serve you in Kuwait.'),
    showContact: true,
    links: [
      { label: t('الرئيسية', 'Home'), link: { kind: 'page', pageId: 'home' } },
      { label: t('تواصل معنا', 'Contact us'), link: { kind: 'page', pageId: 'contact' } },
    ],
    note: t('جميع الأسعار بالدينار الكويتي.', 'All prices in Kuwaiti dinars.'),
  },
});

const contactPage = (): SiteDocument['pages'][number] => ({
  id: 'contact',
  path: '/contact',
  title: t('تواصل معنا', 'Contact us'),
  description: t('راسلنا أو اتصل بنا، نرد عليك بأسرع وقت.', 'Send us a message or call; we reply quickly.'),
  sections: [
    {
      id: 'contact-form',
      type: 'contact_form',
      variant: 'split',
      props: {
        heading: t('تواصل معنا', 'Get in touch'),
        intro: t('اترك رسالتك وبنرد عليك خلال يوم عمل.', 'Leave a message and we will reply within one working day.'),
        fields: [
          { name: 'name', label: t('الاسم', 'Name'), required: true },
          { name: 'phone', label: t('رقم الهاتف', 'Phone'), required: true },
          { name: 'message', label: t('رسالتك', 'Your message'), required: true },
        ],
        submitLabel: t('أرسل', 'Send'),
        successMessage: t('وصلتنا رسالتك، شكراً لك!', 'We got your message, thank you!'),
      },
    },
    footer('contact-footer'),
  ],
});

const cta = (ar: string, en: string, link: { kind: 'booking' } | { kind: 'page'; pageId: string }) =>
  ({
    id: 'cta',
    type: 'cta',
    variant: 'banner',
    props: {
      heading: t(ar, en),
      text: t('احجز موعدك أونلاين خلال دقيقة، وادفع بالكي نت أو البطاقة.', 'Book online in a minute and pay with K-Net or card.'),
      action: { label: t('احجز الآن', 'Book now'), link },
      secondary: { label: t('واتساب', 'WhatsApp'), link: { kind: 'whatsapp', number: WHATSAPP, text: null } },
    },
  }) satisfies SiteSection;

const booking = (): SiteSection => ({
  id: 'booking',
  type: 'booking',
  variant: 'cards',
  props: {
    heading: t('احجز موعدك', 'Book an appointment'),
    intro: t('اختر الخدمة والوقت المناسب لك.', 'Pick a service and a time that suits you.'),
    buttonLabel: t('احجز الآن', 'Book now'),
  },
});

interface Starter {
  theme: SiteTheme;
  area: [ar: string, en: string];
  hero: { ar: string; en: string; subAr: string; subEn: string };
  sections: SiteSection[];
}

const item = (ar: string, en: string, fils: number, minutes: number | null, dAr: string | null = null, dEn = '') => ({
  name: t(ar, en),
  description: dAr ? t(dAr, dEn) : null,
  priceFils: fils,
  priceFrom: false,
  durationMinutes: minutes,
});

const quotes = (items: [string, string, string, string][]): SiteSection => ({
  id: 'reviews',
  type: 'testimonials',
  variant: 'cards',
  props: {
    heading: t('آراء عملائنا', 'What our clients say'),
    items: items.map(([qAr, qEn, nAr, nEn]) => ({ quote: t(qAr, qEn), author: t(nAr, nEn), detail: null, rating: 5 })),
  },
});

const STARTERS: Record<StarterType, Starter> = {
  salon: {
    theme: { palette: 'rose', fonts: 'kufi', radius: 'round' },
    area: ['السالمية، شارع سالم المبارك', 'Salem Al Mubarak St, Salmiya'],
    hero: {
      ar: 'جمالك يبدأ من هنا',
      en: 'Where your glow begins',
      subAr: 'صالون نسائي في السالمية: قص وصبغ وسشوار ومكياج للمناسبات بأيدي خبيرات.',
      subEn: 'A ladies’ salon in Salmiya: cuts, colour, blow-dry and occasion make-up by experienced stylists.',
    },
    sections: [
      {
        id: 'services',
        type: 'services',
        variant: 'cards',
        props: {
          heading: t('خدماتنا وأسعارنا', 'Services and prices'),
          intro: null,
          items: [
            item('قص وسشوار', 'Cut and blow-dry', 12_000, 60),
            item('صبغة كاملة', 'Full colour', 25_000, 120, 'تشمل الغسيل والسشوار.', 'Includes wash and blow-dry.'),
            item('بروتين', 'Keratin treatment', 45_000, 180),
            item('مكياج سهرة', 'Evening make-up', 20_000, 60),
            item('مانيكير وباديكير', 'Manicure and pedicure', 9_500, 75),
          ],
        },
      },
      booking(),
      quotes([
        [
          'أفضل صالون جربته بالسالمية، شغلهم مرتب ومواعيدهم مضبوطة.',
          'The best salon I have tried in Salmiya, neat work and always on time.',
          'نورة',
          'Noura',
        ],
        ['سويت مكياج عرس أختي وكان يجنن.', 'They did my make-up for my sister’s wedding and it was stunning.', 'دانة', 'Dana'],
      ]),
      hours('10:00', '21:00'),
    ],
  },
  clinic: {
    theme: { palette: 'gulf', fonts: 'kufi_system', radius: 'soft' },
    area: ['حولي، شارع تونس', 'Tunis St, Hawalli'],
    hero: {
      ar: 'رعاية أسنانك بثقة وراحة',
      en: 'Dental care you can trust',
      subAr: 'عيادة أسنان في حولي بأطباء معتمدين وأجهزة حديثة، للكبار والأطفال.',
      subEn: 'A dental clinic in Hawalli with licensed dentists and modern equipment, for adults and children.',
    },
    sections: [
      {
        id: 'services',
        type: 'services',
        variant: 'list',
        props: {
          heading: t('العلاجات', 'Treatments'),
          intro: t('الأسعار تقريبية وتتحدد بعد الكشف.', 'Prices are indicative and confirmed after the check-up.'),
          items: [
            item('كشف واستشارة', 'Check-up and consultation', 10_000, 30),
            item('تنظيف الأسنان', 'Scale and polish', 20_000, 45),
            item('حشوة تجميلية', 'Tooth-coloured filling', 30_000, 60),
            { ...item('تبييض الأسنان', 'Teeth whitening', 90_000, 90), priceFrom: true },
          ],
        },
      },
      booking(),
      {
        id: 'faq',
        type: 'faq',
        variant: 'accordion',
        props: {
          heading: t('أسئلة شائعة', 'Frequently asked questions'),
          items: [
            {
              question: t('هل تقبلون التأمين الصحي؟', 'Do you accept health insurance?'),
              answer: t('نعم، نتعامل مع أغلب شركات التأمين في الكويت.', 'Yes, we work with most insurers in Kuwait.'),
            },
            {
              question: t('هل تعالجون الأطفال؟', 'Do you treat children?'),
              answer: t('نعم، عندنا طبيبة أسنان أطفال.', 'Yes, we have a paediatric dentist.'),
            },
          ],
        },
      },
      hours('09:00', '21:00'),
    ],
  },
  restaurant: {
    theme: { palette: 'desert', fonts: 'kufi', radius: 'soft' },
    area: ['الشويخ، شارع الغزالي', 'Ghazali St, Shuwaikh'],
    hero: {
      ar: 'أكل بيت كويتي على أصوله',
      en: 'Kuwaiti home cooking, done right',
      subAr: 'مجبوس وربيان ومطبق زبيدي، نطبخ كل يوم بمكونات طازجة.',
      subEn: 'Machboos, shrimp and mutabbaq zubaidi, cooked fresh every day.',
    },
    sections: [
      {
        id: 'menu',
        type: 'menu',
        variant: 'list',
        props: {
          heading: t('المنيو', 'Menu'),
          intro: null,
          categories: [
            {
              name: t('الأطباق الرئيسية', 'Main dishes'),
              items: [
                {
                  name: t('مجبوس دجاج', 'Chicken machboos'),
                  description: t('رز بسمتي بالبهارات الكويتية.', 'Basmati rice with Kuwaiti spices.'),
                  priceFils: 3_250,
                  image: null,
                  tags: ['popular'],
                },
                { name: t('مطبق زبيدي', 'Mutabbaq zubaidi'), description: null, priceFils: 6_500, image: null, tags: [] },
                {
                  name: t('مربين', 'Murabyan'),
                  description: t('رز بالربيان.', 'Rice with shrimp.'),
                  priceFils: 4_750,
                  image: null,
                  tags: ['spicy'],
                },
              ],
            },
            {
              name: t('الحلويات', 'Desserts'),
              items: [
                { name: t('لقيمات', 'Gers ogaily and luqaimat'), description: null, priceFils: 1_500, image: null, tags: ['vegetarian'] },
              ],
            },
          ],
        },
      },
      {
        id: 'delivery',
        type: 'delivery',
        variant: 'buttons',
        props: {
          heading: t('اطلب توصيل', 'Order for delivery'),
          intro: null,
          links: [
            { platform: 'talabat', href: 'https://www.talabat.com/kuwait' },
            { platform: 'deliveroo', href: 'https://deliveroo.com.kw' },
          ],
        },
      },
      hours('12:00', '23:00', [{ opens: '13:00', closes: '23:00' }]),
    ],
  },
  coach: {
    theme: { palette: 'palm', fonts: 'kufi_system', radius: 'round' },
    area: ['مشرف', 'Mishref'],
    hero: {
      ar: 'ابدأ رحلتك نحو لياقة أفضل',
      en: 'Start your fitness journey',
      subAr: 'تدريب شخصي وبرامج غذائية تناسب يومك، في النادي أو أونلاين.',
      subEn: 'Personal training and nutrition plans that fit your day, at the gym or online.',
    },
    sections: [
      {
        id: 'services',
        type: 'services',
        variant: 'cards',
        props: {
          heading: t('البرامج', 'Programmes'),
          intro: null,
          items: [
            item('جلسة تدريب شخصي', 'Personal training session', 15_000, 60),
            item('باقة ٨ جلسات', '8-session pack', 100_000, null),
            item('برنامج غذائي شهري', 'Monthly nutrition plan', 35_000, null),
          ],
        },
      },
      booking(),
      quotes([['نزلت ٨ كيلو بثلاث شهور وبدون حرمان.', 'I lost 8 kg in three months without starving myself.', 'عبدالله', 'Abdullah']]),
      hours('06:00', '22:00'),
    ],
  },
  shop: {
    theme: { palette: 'pearl', fonts: 'kufi', radius: 'soft' },
    area: ['الجهراء، المجمع التجاري', 'Jahra Commercial Complex'],
    hero: {
      ar: 'عطور وبخور بلمسة خليجية',
      en: 'Perfumes and bukhoor with a Gulf touch',
      subAr: 'دهن عود ومخلطات وبخور فاخر، مع توصيل لكل مناطق الكويت.',
      subEn: 'Oud oil, blends and fine bukhoor, delivered anywhere in Kuwait.',
    },
    sections: [
      {
        id: 'services',
        type: 'services',
        variant: 'cards',
        props: {
          heading: t('منتجاتنا', 'Our products'),
          intro: null,
          items: [
            item('دهن عود كمبودي ٣ مل', 'Cambodian oud oil, 3 ml', 18_000, null),
            item('مخلط الورد', 'Rose blend', 7_500, null),
            item('بخور معطر ١٠٠ غم', 'Scented bukhoor, 100 g', 5_000, null),
          ],
        },
      },
      {
        id: 'social',
        type: 'social',
        variant: 'buttons',
        props: {
          heading: t('تابعونا', 'Follow us'),
          accounts: [
            { network: 'instagram', handle: 'kwq8.shop' },
            { network: 'snapchat', handle: 'kwq8.shop' },
          ],
        },
      },
      hours('10:00', '22:00', [{ opens: '16:00', closes: '22:00' }]),
    ],
  },
};

/** A valid starting site for a business type, named as the owner named it. */
export function starterDocument(type: StarterType, { nameAr, nameEn }: { nameAr: string; nameEn: string }): SiteDocument {
  const s = STARTERS[type];
  const hasBooking = s.sections.some((section) => section.type === 'booking');
  const document: SiteDocument = {
    schemaVersion: 1,
    business: {
      name: t(nameAr, nameEn),
      type,
      tagline: t(s.hero.ar, s.hero.en),
      phone: PHONE,
      whatsapp: WHATSAPP,
      email: null,
      address: t(`${s.area[0]}، الكويت`, `${s.area[1]}, Kuwait`),
      city: t('الكويت', 'Kuwait'),
      logo: null,
    },
    theme: s.theme,
    languages: ['ar', 'en'],
    pages: [
      {
        id: 'home',
        path: '/',
        title: t('الرئيسية', 'Home'),
        description: t(s.hero.subAr, s.hero.subEn),
        sections: [
          {
            id: 'hero',
            type: 'hero',
            variant: 'centered',
            props: {
              eyebrow: t(nameAr, nameEn),
              heading: t(s.hero.ar, s.hero.en),
              subheading: t(s.hero.subAr, s.hero.subEn),
              image: null,
              primary: hasBooking
                ? { label: t('احجز موعدك', 'Book now'), link: { kind: 'booking' } }
                : { label: t('اطلب عبر واتساب', 'Order on WhatsApp'), link: { kind: 'whatsapp', number: WHATSAPP, text: null } },
              secondary: { label: t('اتصل بنا', 'Call us'), link: { kind: 'phone', number: PHONE } },
            },
          },
          ...s.sections,
          location(...s.area),
          hasBooking
            ? cta('جاهزين نستقبلك', 'We are ready for you', { kind: 'booking' })
            : cta('عندك سؤال؟', 'Got a question?', { kind: 'page', pageId: 'contact' }),
          footer(),
          whatsapp(),
        ],
      },
      contactPage(),
    ],
  };
  const parsed = parseSiteDocument(document);
  if (!parsed.ok) throw new Error(`starter ${type} is invalid: ${JSON.stringify(parsed.issues[0])}`);
  return parsed.document;
}
