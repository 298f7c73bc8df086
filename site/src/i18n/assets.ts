/** Text of the project images island (islands/ProjectAssets.tsx), Arabic first; both locales have the same keys. */
import type { SiteLocale } from './locales';

export interface AssetsText {
  title: string;
  logoTitle: string;
  logoHint: string;
  noLogo: string;
  logoAlt: string;
  chooseLogo: string;
  replaceLogo: string;
  imagesTitle: string;
  imagesHint: string;
  noImages: string;
  imageAlt: (index: number) => string;
  chooseImage: string;
  visibilityLabel: string;
  visibilityPublic: string;
  visibilityPrivate: string;
  publicBadge: string;
  privateBadge: string;
  uploading: (percent: number) => string;
  uploaded: string;
  deleteImage: (index: number) => string;
  deleteLogo: string;
  confirmDelete: string;
  deleted: string;
  usage: (files: number, maxFiles: number, megabytes: string, maxMegabytes: string) => string;
  loading: string;
  tooLarge: string;
  notAnImage: string;
  failed: string;
}

const arabicNumber = new Intl.NumberFormat('ar-KW');

export const assetsText: Record<SiteLocale, AssetsText> = {
  ar: {
    title: 'صور المشروع',
    logoTitle: 'الشعار',
    logoHint: 'يظهر الشعار في موقعك المنشور وصفحة الحجز. PNG أو JPEG أو WebP حتى 5 ميغابايت.',
    noLogo: 'لا يوجد شعار بعد.',
    logoAlt: 'شعار المشروع',
    chooseLogo: 'رفع شعار',
    replaceLogo: 'استبدال الشعار',
    imagesTitle: 'الصور',
    imagesHint: 'الصور العامة تظهر في موقعك المنشور، والخاصة لا يراها غيرك.',
    noImages: 'لا توجد صور بعد.',
    imageAlt: (index) => `صورة رقم ${arabicNumber.format(index)}`,
    chooseImage: 'رفع صورة',
    visibilityLabel: 'من يرى الصورة',
    visibilityPublic: 'عامة: تظهر في الموقع',
    visibilityPrivate: 'خاصة: لك وحدك',
    publicBadge: 'عامة',
    privateBadge: 'خاصة',
    uploading: (percent) => `جارٍ الرفع… ${arabicNumber.format(percent)}٪`,
    uploaded: 'تم رفع الصورة',
    deleteImage: (index) => `حذف الصورة رقم ${arabicNumber.format(index)}`,
    deleteLogo: 'حذف الشعار',
    confirmDelete: 'هل تريد حذف هذه الصورة نهائياً؟',
    deleted: 'تم حذف الصورة',
    usage: (files, maxFiles, megabytes, maxMegabytes) =>
      `${arabicNumber.format(files)} من ${arabicNumber.format(maxFiles)} ملفاً، ${megabytes} من ${maxMegabytes} ميغابايت`,
    loading: 'جارٍ تحميل الصور…',
    tooLarge: 'حجم الصورة أكبر من 5 ميغابايت',
    notAnImage: 'الصور المقبولة هي PNG أو JPEG أو WebP فقط',
    failed: 'تعذر إكمال العملية، حاول مرة أخرى',
  },
  en: {
    title: 'Project images',
    logoTitle: 'Logo',
    logoHint: 'Your logo appears on your published site and booking page. PNG, JPEG or WebP, up to 5 MB.',
    noLogo: 'No logo yet.',
    logoAlt: 'Project logo',
    chooseLogo: 'Upload a logo',
    replaceLogo: 'Replace the logo',
    imagesTitle: 'Images',
    imagesHint: 'Public images appear on your published site; private ones are seen only by you.',
    noImages: 'No images yet.',
    imageAlt: (index) => `Image ${index}`,
    chooseImage: 'Upload an image',
    visibilityLabel: 'Who sees the image',
    visibilityPublic: 'Public: shown on the site',
    visibilityPrivate: 'Private: only you',
    publicBadge: 'Public',
    privateBadge: 'Private',
    uploading: (percent) => `Uploading… ${percent}%`,
    uploaded: 'Image uploaded',
    deleteImage: (index) => `Delete image ${index}`,
    deleteLogo: 'Delete the logo',
    confirmDelete: 'Delete this image for good?',
    deleted: 'Image deleted',
    usage: (files, maxFiles, megabytes, maxMegabytes) => `${files} of ${maxFiles} files, ${megabytes} of ${maxMegabytes} MB`,
    loading: 'Loading images…',
    tooLarge: 'The image is larger than 5 MB.',
    notAnImage: 'Only PNG, JPEG or WebP images are accepted.',
    failed: 'That did not work. Please try again.',
  },
};
