/**
 * The error catalogue: every code the API can answer with, its HTTP status and its text in
 * Arabic (the default) and English. The seed codes AUTH_001…DOM_001 keep their original meaning.
 * The database raises the same codes (see supabase/migrations), so one table serves both sides.
 */

export type Locale = 'ar' | 'en';

interface CatalogueEntry {
  status: 400 | 401 | 402 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 428 | 429 | 500 | 502 | 503;
  ar: string;
  en: string;
}

export const ERROR_CATALOGUE = {
  // Seed codes (KWq8 backend brief).
  AUTH_001: { status: 409, ar: 'البريد الإلكتروني مستخدم مسبقاً', en: 'This email address is already registered.' },
  AUTH_002: { status: 401, ar: 'بيانات الدخول غير صحيحة', en: 'The sign-in details are not valid.' },
  AUTH_003: { status: 401, ar: 'انتهت صلاحية الجلسة', en: 'Your session has expired. Please sign in again.' },
  CREDIT_001: { status: 402, ar: 'رصيدك غير كافٍ', en: 'You do not have enough credits.' },
  CREDIT_002: { status: 409, ar: 'تم الوصول للحد الأقصى', en: 'You have reached the limit for this action.' },
  GEN_001: { status: 502, ar: 'تعذّر إنشاء المحتوى، وأُعيد إليك الرصيد', en: 'The generation failed; your credits were returned.' },
  PAY_001: { status: 402, ar: 'فشلت عملية الدفع', en: 'The payment failed.' },
  DOM_001: { status: 409, ar: 'النطاق غير متاح', en: 'This domain is not available.' },

  // Authentication and authorisation.
  AUTH_004: { status: 401, ar: 'يجب تسجيل الدخول للمتابعة', en: 'You need to sign in to continue.' },
  AUTH_005: { status: 403, ar: 'هذه الخدمة تتطلب حساباً مسجلاً', en: 'This requires a registered account.' },
  AUTH_006: { status: 403, ar: 'ليست لديك صلاحية لهذا الإجراء', en: 'You are not allowed to do this.' },
  AUTH_007: { status: 401, ar: 'هذا الحساب لم يعد موجوداً', en: 'This account no longer exists.' },

  // Credits and plans.
  CREDIT_003: { status: 403, ar: 'هذه الميزة غير متاحة في باقتك الحالية', en: 'This feature is not included in your current plan.' },
  CREDIT_004: { status: 400, ar: 'نوع الإجراء غير معروف', en: 'Unknown credit action.' },

  // Requests.
  REQ_001: { status: 400, ar: 'صيغة الطلب غير صحيحة', en: 'The request body is not valid JSON.' },
  REQ_002: { status: 413, ar: 'حجم الطلب أكبر من المسموح', en: 'The request body is too large.' },
  REQ_003: { status: 415, ar: 'نوع المحتوى غير مدعوم، استخدم JSON', en: 'Unsupported content type; send application/json.' },
  REQ_004: { status: 422, ar: 'بعض البيانات المدخلة غير صحيحة', en: 'Some of the submitted data is not valid.' },
  REQ_005: { status: 428, ar: 'مفتاح عدم التكرار مطلوب لهذا الطلب', en: 'This request needs an Idempotency-Key header.' },
  REQ_006: {
    status: 409,
    ar: 'تم استخدام مفتاح عدم التكرار لطلب مختلف',
    en: 'This Idempotency-Key was already used for a different request.',
  },
  NOT_FOUND_001: { status: 404, ar: 'المسار المطلوب غير موجود', en: 'No such API route.' },
  NOT_FOUND_002: { status: 404, ar: 'العنصر المطلوب غير موجود', en: 'The requested item was not found.' },

  // Projects and bookings.
  PROJ_001: { status: 409, ar: 'هذا الرابط المختصر مستخدم مسبقاً', en: 'This project address is already taken.' },
  PROJ_002: { status: 403, ar: 'وصلت إلى الحد الأقصى لعدد المشاريع', en: 'You have reached the maximum number of projects.' },
  PROJ_003: {
    status: 429,
    ar: 'أنشأت مشاريع كثيرة في وقت قصير، حاول بعد دقيقة',
    en: 'Too many projects created in a short time. Please try again in a minute.',
  },
  PROJ_004: {
    status: 409,
    ar: 'لا يمكن حذف مشروع لديه حجوزات مؤكدة قادمة',
    en: 'This project has confirmed upcoming bookings, so it cannot be deleted.',
  },
  ASSET_001: {
    status: 415,
    ar: 'الصور المقبولة هي PNG أو JPEG أو WebP فقط',
    en: 'Only PNG, JPEG or WebP images are accepted.',
  },
  ASSET_002: { status: 413, ar: 'حجم الصورة أكبر من 5 ميغابايت', en: 'The image is larger than 5 MB.' },
  ASSET_003: {
    status: 403,
    ar: 'وصل المشروع إلى الحد الأقصى للصور (50 ملفاً أو 50 ميغابايت)',
    en: 'This project has reached its image limit (50 files or 50 MB).',
  },
  BOOK_001: { status: 409, ar: 'هذا الموعد لم يعد متاحاً', en: 'This time slot is no longer available.' },
  BOOK_002: { status: 410, ar: 'انتهت مهلة حجز الموعد', en: 'The hold on this time slot has expired.' },
  BOOK_003: {
    status: 403,
    ar: 'انتهت صلاحية نموذج الحجز، حدّث الصفحة وحاول مرة أخرى',
    en: 'This booking form has expired. Reload the page and try again.',
  },
  BOOK_004: { status: 403, ar: 'وصلت إلى الحد الأقصى لعدد الخدمات', en: 'You have reached the maximum number of services.' },

  // Sites.
  SITE_001: { status: 404, ar: 'الموقع غير موجود أو غير منشور', en: 'This site was not found or is not published.' },
  SITE_002: {
    status: 409,
    ar: 'تغيّرت المسودة في هذه الأثناء، أعد تحميل الصفحة',
    en: 'The draft changed in the meantime. Reload to see the latest version.',
  },
  SITE_003: { status: 422, ar: 'محتوى الموقع غير صالح أو أكبر من المسموح', en: 'The site content is not valid or is too large.' },
  SITE_004: { status: 422, ar: 'لا يمكن نشر هذه النسخة', en: 'This version cannot be published.' },
  SITE_005: {
    status: 429,
    ar: 'وصلت رسائل كثيرة عبر هذا النموذج، حاول لاحقاً',
    en: 'This form has received too many messages. Please try again later.',
  },

  // AI generations (supabase/migrations/20261208000200_generations.sql).
  GEN_002: {
    status: 403,
    ar: 'هذا الإجراء يتطلب باقة بريميوم أو إنتربرايز',
    en: 'This action needs the Premium or Enterprise plan.',
  },
  GEN_003: { status: 409, ar: 'انتهى هذا الطلب بالفعل', en: 'This generation has already finished.' },
  GEN_004: {
    status: 429,
    ar: 'لديك طلبات إنشاء جارية كثيرة، انتظر حتى ينتهي أحدها',
    en: 'You have too many generations running. Wait for one to finish.',
  },
  GEN_005: {
    status: 429,
    ar: 'وصلت إلى الحد اليومي لطلبات الإنشاء، حاول غداً',
    en: 'You have reached the daily limit of generations. Please try again tomorrow.',
  },
  GEN_006: {
    status: 503,
    ar: 'خدمة الإنشاء مشغولة اليوم، حاول لاحقاً',
    en: 'The generation service is busy today. Please try again later.',
  },

  // Billing.
  PAY_002: { status: 410, ar: 'انتهت مهلة عملية الدفع، ابدأ من جديد', en: 'This checkout has expired. Please start a new one.' },
  PAY_003: {
    status: 503,
    ar: 'خدمة الدفع لا تستجيب الآن، حاول بعد قليل',
    en: 'The payment provider is not responding. Please try again shortly.',
  },
  PAY_004: { status: 503, ar: 'طريقة الدفع هذه غير متاحة حالياً', en: 'This payment method is not available right now.' },
  PAY_005: { status: 400, ar: 'توقيع إشعار الدفع غير صحيح', en: 'The payment notification signature is not valid.' },

  // Domains.
  DOM_002: {
    status: 503,
    ar: 'خدمة النطاقات غير متاحة مؤقتاً، حاول بعد قليل',
    en: 'The domain service is temporarily unavailable. Please try again shortly.',
  },
  DOM_003: { status: 422, ar: 'اسم النطاق أو امتداده غير مدعوم', en: 'This domain name or extension is not supported.' },
  DOM_004: { status: 409, ar: 'هذا النطاق مرتبط بموقع بالفعل', en: 'This domain is already connected to a site.' },
  DOM_005: {
    status: 409,
    ar: 'تسجيل النطاق جارٍ الآن، حاول بعد اكتماله',
    en: 'This domain is being registered. Please try again once it finishes.',
  },
  DOM_006: {
    status: 403,
    ar: 'وصلت إلى الحد الأقصى لعدد النطاقات لهذا الموقع',
    en: 'This site has reached its maximum number of domains.',
  },
  DOM_007: {
    status: 409,
    ar: 'تغيّر سعر النطاق، ابحث عنه مرة أخرى',
    en: 'The price of this domain has changed. Please search for it again.',
  },
  DOM_008: {
    status: 409,
    ar: 'لم نجد سجل التحقق بعد، قد تستغرق تغييرات DNS حتى ساعة',
    en: 'We could not find the verification record yet. DNS changes can take up to an hour.',
  },

  // Limits and service health.
  RATE_001: { status: 429, ar: 'طلبات كثيرة، حاول مرة أخرى بعد قليل', en: 'Too many requests. Please try again shortly.' },
  SRV_001: { status: 500, ar: 'حدث خطأ غير متوقع، حاول مرة أخرى', en: 'Something went wrong. Please try again.' },
  SRV_002: {
    status: 503,
    ar: 'الخدمة غير متاحة مؤقتاً، حاول بعد قليل',
    en: 'The service is temporarily unavailable. Please try again shortly.',
  },
  SRV_004: {
    status: 503,
    ar: 'الخدمة غير مهيأة بعد، يرجى المحاولة لاحقاً',
    en: 'The service is not configured yet. Please try again later.',
  },
  SRV_003: { status: 502, ar: 'تعذر الاتصال بخدمة خارجية', en: 'An external service did not respond correctly.' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

export function errorMessage(code: ErrorCode, locale: Locale): string {
  return ERROR_CATALOGUE[code][locale];
}

/** The JSON body of every error response (docs/ARCHITECTURE.md section 2). */
export interface ErrorBody {
  /** `fields`: request fields that failed validation; `problems`: what stops a publish (SITE_004). */
  error: { code: ErrorCode; message: string; requestId: string; fields?: string[]; problems?: unknown[] };
}
