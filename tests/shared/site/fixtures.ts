/** Shared test material: a render context and a starter document. */
import type { RenderContext } from '../../../shared/site/render';
import { starterDocument } from '../../../shared/site/templates';

export const context: RenderContext = {
  origin: 'https://lamsa.kwq8.site',
  imageUrl: (path) => `https://project.supabase.co/storage/v1/object/public/project-public/p1/${path}`,
  assetBase: '/_kwq8',
  bookingHref: (locale) => (locale === 'ar' ? '/book/lamsa/' : '/en/book/lamsa/'),
  services: [{ id: 'cut', name: { ar: 'قص', en: 'Cut' }, durationMinutes: 45, priceFils: 12_500 }],
  formAction: '/_kwq8/forms',
  formStatus: null,
  preview: false,
};

export const salon = () => starterDocument('salon', { nameAr: 'صالون لمسة', nameEn: 'Lamsa Salon' });
