/** The renderer's own words (not the owner's), per locale; Arabic defines the keys. */
import type { DeliveryPlatform } from '../catalogue';
import type { Locale } from '../primitives';

const ar = {
  skip: 'انتقل إلى المحتوى',
  nav: 'صفحات الموقع',
  otherLanguage: 'English',
  preview: 'معاينة المسودة — قد تختلف عن الموقع المنشور',
  notFoundTitle: 'الصفحة غير موجودة',
  notFoundText: 'ربما تغيّر رابط هذه الصفحة أو حُذفت.',
  home: 'العودة إلى الصفحة الرئيسية',
  from: 'ابتداءً من',
  closed: 'مغلق',
  directions: 'الاتجاهات على الخريطة',
  sent: 'تم إرسال رسالتك، سنتواصل معك قريباً.',
  error: 'تعذّر إرسال الرسالة. حاول مرة أخرى أو تواصل معنا عبر الهاتف.',
  required: 'مطلوب',
  honeypot: 'اترك هذا الحقل فارغاً',
  rating: (n: string) => `التقييم ${n} من ٥`,
  call: 'اتصل',
  email: 'البريد الإلكتروني',
  whatsapp: 'واتساب',
  orderOn: (platform: string) => `اطلب عبر ${platform}`,
};
type Words = typeof ar;

const en: Words = {
  skip: 'Skip to content',
  nav: 'Site pages',
  otherLanguage: 'العربية',
  preview: 'Draft preview — may differ from the published site',
  notFoundTitle: 'Page not found',
  notFoundText: 'The address of this page may have changed, or it was removed.',
  home: 'Back to the home page',
  from: 'from',
  closed: 'Closed',
  directions: 'Directions on the map',
  sent: 'Your message was sent. We will get back to you soon.',
  error: 'Your message could not be sent. Please try again or call us.',
  required: 'required',
  honeypot: 'Leave this field empty',
  rating: (n: string) => `Rated ${n} out of 5`,
  call: 'Call',
  email: 'Email',
  whatsapp: 'WhatsApp',
  orderOn: (platform: string) => `Order on ${platform}`,
};

export const WORDS: Record<Locale, Words> = { ar, en };

export const DELIVERY_NAMES: Record<DeliveryPlatform, Record<Locale, string>> = {
  talabat: { ar: 'طلبات', en: 'Talabat' },
  deliveroo: { ar: 'دليفرو', en: 'Deliveroo' },
  jahez: { ar: 'جاهز', en: 'Jahez' },
  keeta: { ar: 'كيتا', en: 'Keeta' },
  careem: { ar: 'كريم', en: 'Careem' },
};
export const SOCIAL_NAMES = { instagram: 'Instagram', tiktok: 'TikTok', snapchat: 'Snapchat', x: 'X' } as const;
