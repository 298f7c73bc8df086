/**
 * One function per section type: props in, markup out, in one locale. Owner text goes through
 * `markup` (escaped), links through links.ts, images through the caller's `imageUrl`.
 */
import type { SectionOf, SectionType, SiteSection } from '../catalogue';
import type { SiteDocument, SitePage } from '../document';
import type { Locale, LocalText, SiteAction, SiteImage } from '../primitives';
import { formatClock, formatFils, formatMinutes, formatNumber, formatWeekday } from './format';
import { markup, trusted, type Html } from './html';
import { contextUrl, isExternal, linkUrl, mailtoUrl, mapUrl, socialUrl, telUrl, whatsappUrl, type LinkContext } from './links';
import { DELIVERY_NAMES, SOCIAL_NAMES, WORDS } from './words';

export interface BookableService {
  id: string;
  name: LocalText;
  durationMinutes: number;
  priceFils: number;
}

export interface SectionState extends LinkContext {
  page: SitePage | null;
  imageUrl: (path: string) => string | null;
  services: readonly BookableService[];
  formAction: string;
  formStatus: 'sent' | 'error' | null;
  /** The first image of the page loads at once (it is likely above the fold). */
  eagerImage: boolean;
}

/** The text in the page's language, or the other language's while it is not written yet. */
export function pick(text: LocalText, locale: Locale): string {
  return text[locale] || text[locale === 'ar' ? 'en' : 'ar'];
}

/** Paragraphs from blank-line-separated text; single line breaks become <br>. */
function paragraphs(text: string, className = ''): Html {
  return markup`${text
    .split(/\n\s*\n/)
    .filter((p) => p.trim())
    .map(
      (p) =>
        markup`<p${className ? trusted(` class="${className}"`) : ''}>${p.split('\n').map((l, i) => markup`${i ? trusted('<br>') : ''}${l}`)}</p>`,
    )}`;
}

const WHATSAPP_ICON = trusted(
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2zm0 2a8 8 0 1 1-4.1 14.9l-.3-.2-2.8.7.8-2.7-.2-.3A8 8 0 0 1 12 4zm-3 4c-.3 0-.7.1-.9.5-.3.4-1 1-1 2.4s1 2.8 1.2 3c.1.2 2 3.1 4.9 4.3 2.4 1 2.9.8 3.4.7.5 0 1.7-.7 1.9-1.4.2-.7.2-1.3.2-1.4l-.5-.3-2-.9c-.3-.1-.5-.2-.7.1l-.9 1.1c-.2.2-.3.2-.6.1-.3-.2-1.2-.5-2.3-1.4-.9-.8-1.4-1.7-1.6-2-.2-.3 0-.4.1-.6l.5-.5.3-.5v-.5l-.9-2.2c-.2-.5-.4-.5-.6-.5H9z"/></svg>',
);

function image(state: SectionState, img: SiteImage, sizes = ''): Html {
  const src = contextUrl(state.imageUrl(img.path));
  if (!src) return markup``;
  const eager = state.eagerImage;
  state.eagerImage = false;
  return markup`<img
    src="${src}"
    width="${img.width}"
    height="${img.height}"
    alt="${pick(img.alt, state.locale)}"
    ${trusted(eager ? ' fetchpriority="high"' : ' loading="lazy"')}
    decoding="async"
    ${sizes ? markup` sizes="${sizes}"` : ''}
 >`;
}

function action(state: SectionState, act: SiteAction | null, ghost = false): Html {
  if (!act) return markup``;
  const url = linkUrl(act.link, state);
  if (!url) return markup``;
  const external = isExternal(act.link);
  const wa = act.link.kind === 'whatsapp';
  return markup`<a class="btn${ghost ? ' ghost' : ''}${wa && !ghost ? ' wa' : ''}" href="${url}" ${external ? trusted(' rel="noopener"') : ''}
    >${wa ? WHATSAPP_ICON : ''}${pick(act.label, state.locale)}</a
  >`;
}

function buttons(state: SectionState, ...acts: (SiteAction | null)[]): Html {
  const items = acts.map((a, i) => action(state, a, i > 0)).filter((h) => h.value);
  return items.length ? markup`<div class="btns">${items}</div>` : markup``;
}

function heading(section: SiteSection, text: LocalText | null, state: SectionState, intro: LocalText | null = null): Html {
  if (!text && !intro) return markup``;
  return markup`<div class="head">
    ${text ? markup`<h2 id="${section.id}-h">${pick(text, state.locale)}</h2>` : ''}${
      intro ? paragraphs(pick(intro, state.locale), 'lead') : ''
    }
  </div>`;
}

function price(state: SectionState, fils: number | null, from: boolean): Html {
  if (fils === null) return markup``;
  return markup`<span class="price">${from ? `${WORDS[state.locale].from} ` : ''}${formatFils(state.locale, fils)}</span>`;
}

type Renderer<T extends SectionType> = (section: SectionOf<T>, state: SectionState) => Html;

const RENDERERS: { [T in SectionType]: Renderer<T> } = {
  hero({ props, variant }, state) {
    const text = markup`${props.eyebrow ? markup`<span class="eyebrow">${pick(props.eyebrow, state.locale)}</span>` : ''}
      <h1>${pick(props.heading, state.locale)}</h1>
      ${paragraphs(pick(props.subheading, state.locale), 'lead')}${buttons(state, props.primary, props.secondary)}`;
    const img = props.image ? image(state, props.image) : markup``;
    if (variant === 'image_background')
      return markup`${img}
        <div class="wrap">${text}</div>`;
    if (variant === 'split')
      return markup`<div class="wrap two">
        <div>${text}</div>
        ${img.value ? markup`<div>${img}</div>` : ''}
      </div>`;
    return markup`<div class="wrap">${text}${img}</div>`;
  },
  services(section, state) {
    const { props, variant } = section;
    const l = state.locale;
    const items = props.items.map((item) => {
      const meta = markup`${price(state, item.priceFils, item.priceFrom)}${
        item.durationMinutes ? markup` <span class="muted">· ${formatMinutes(l, item.durationMinutes)}</span>` : ''
      }`;
      const desc = item.description ? markup`<p class="muted">${pick(item.description, l)}</p>` : '';
      return variant === 'cards'
        ? markup`<li class="card">
            <h3>${pick(item.name, l)}</h3>
            ${desc}
            <p>${meta}</p>
          </li>`
        : markup`<li class="row">
            <div>
              <h3>${pick(item.name, l)}</h3>
              ${variant === 'list' ? desc : ''}
            </div>
            <p>${meta}</p>
          </li>`;
    });
    return markup`<div class="wrap">
      ${heading(section, props.heading, state, props.intro)}
      <ul class="${variant === 'cards' ? 'grid' : 'rows'}">
        ${items}
      </ul>
    </div>`;
  },
  menu(section, state) {
    const { props, variant } = section;
    const l = state.locale;
    const cats = props.categories.map(
      (cat) =>
        markup`<div class="cat">
          <h3>${pick(cat.name, l)}</h3>
          <ul class="${variant === 'cards' ? 'grid' : 'rows'}">
            ${cat.items.map((item) => {
              const body = markup`<div>
                  ${variant === 'cards' ? markup`<h4>${pick(item.name, l)}</h4>` : markup`<strong>${pick(item.name, l)}</strong>`}${
                    item.description ? markup`<p class="muted">${pick(item.description, l)}</p>` : ''
                  }
                </div>
                ${price(state, item.priceFils, false)}`;
              return variant === 'cards'
                ? markup`<li class="card">${item.image ? image(state, item.image) : ''}${body}</li>`
                : markup`<li class="row">${body}</li>`;
            })}
          </ul>
        </div>`,
    );
    return markup`<div class="wrap">
      ${heading(section, props.heading, state, props.intro)}
      <div class="cats">${cats}</div>
    </div>`;
  },
  gallery(section, state) {
    const imgs = section.props.images.map((img) => image(state, img)).filter((h) => h.value);
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state)}
      <ul class="gal">
        ${imgs.map((img) => markup`<li>${img}</li>`)}
      </ul>
    </div>`;
  },
  booking(section, state) {
    const { props, variant } = section;
    const l = state.locale;
    const href = contextUrl(state.bookingHref(l));
    const items = state.services.map(
      (service) =>
        markup`<li class="${variant === 'cards' ? 'card' : 'row'}">
          <div>
            <h3>${pick(service.name, l)}</h3>
            <p class="muted">${formatMinutes(l, service.durationMinutes)}</p>
          </div>
          <p>${price(state, service.priceFils, false)}</p>
        </li>`,
    );
    return markup`<div class="wrap">
      ${heading(section, props.heading, state, props.intro)}${
        items.length
          ? markup`<ul class="${variant === 'cards' ? 'grid' : 'rows'}">
              ${items}
            </ul>`
          : ''
      }${href ? markup`<div class="btns"><a class="btn" href="${href}">${pick(props.buttonLabel, l)}</a></div>` : ''}
    </div>`;
  },
  opening_hours(section, state) {
    const { props } = section;
    const l = state.locale;
    const rows = props.days.map(
      (day) =>
        markup`<tr>
          <th scope="row">${formatWeekday(l, day.day)}</th>
          <td>
            ${
              day.periods.length
                ? day.periods.map((p, i) => markup`${i ? '، ' : ''}<bdi>${formatClock(l, p.opens)} – ${formatClock(l, p.closes)}</bdi>`)
                : WORDS[l].closed
            }
          </td>
        </tr>`,
    );
    return markup`<div class="wrap">
      ${heading(section, props.heading, state)}
      <table class="hours">
        ${rows}
      </table>
      ${props.note ? paragraphs(pick(props.note, l), 'muted') : ''}
    </div>`;
  },
  location(section, state) {
    const { props, variant } = section;
    const l = state.locale;
    const body = markup`${paragraphs(pick(props.address, l))}${props.note ? paragraphs(pick(props.note, l), 'muted') : ''}
      <div class="btns"><a class="btn" href="${mapUrl(props.mapQuery)}" rel="noopener">${WORDS[l].directions}</a></div>`;
    return markup`<div class="wrap">
      ${heading(section, props.heading, state)}${variant === 'card' ? markup`<div class="card">${body}</div>` : body}
    </div>`;
  },
  contact_form(section, state) {
    const { props, variant } = section;
    const l = state.locale;
    const action = contextUrl(state.formAction);
    const fields = props.fields.map((field) => {
      const name = `f-${field.name}`;
      const id = `${section.id}-${field.name}`;
      const required = field.required ? trusted(' required') : '';
      const label = markup`${pick(field.label, l)}${field.required ? markup` <span class="muted">(${WORDS[l].required})</span>` : ''}`;
      const input =
        field.name === 'message'
          ? markup`<textarea id="${id}" name="${name}" maxlength="2000" ${required}></textarea>`
          : trusted(
              {
                name: `<input type="text" autocomplete="name" maxlength="100"`,
                phone: `<input type="tel" inputmode="tel" autocomplete="tel" dir="ltr" maxlength="20"`,
                email: `<input type="email" autocomplete="email" dir="ltr" maxlength="254"`,
                date: `<input type="date"`,
              }[field.name],
            );
      return field.name === 'message'
        ? markup`<label for="${id}">${label}${input}</label>`
        : markup`<label for="${id}">${label}${input} id="${id}" name="${name}"${required}></label>`;
    });
    const status =
      state.formStatus === 'sent'
        ? markup`<p class="note" role="status">${pick(props.successMessage, l) || WORDS[l].sent}</p>`
        : state.formStatus === 'error'
          ? markup`<p class="note" role="alert">${WORDS[l].error}</p>`
          : '';
    const form = action
      ? markup`<form class="form" method="post" action="${action}">
          ${status}<input type="hidden" name="section" value="${section.id}"><input type="hidden" name="locale" value="${l}"><label
            class="hp"
            aria-hidden="true"
            >${WORDS[l].honeypot}<input type="text" name="website" tabindex="-1" autocomplete="off"></label
          >${fields}<button class="btn" type="submit">${pick(props.submitLabel, l)}</button>
        </form>`
      : markup``;
    return variant === 'split'
      ? markup`<div class="wrap two">
          <div>${heading(section, props.heading, state, props.intro)}</div>
          ${form}
        </div>`
      : markup`<div class="wrap">${heading(section, props.heading, state, props.intro)}${form}</div>`;
  },
  testimonials(section, state) {
    const l = state.locale;
    const items = section.props.items.map(
      (item) =>
        markup`<li class="card">
          <figure class="${section.variant}">
            ${
              item.rating
                ? markup`<p class="stars" role="img" aria-label="${WORDS[l].rating(formatNumber(l, item.rating))}">
                    ${'★'.repeat(item.rating)}${'☆'.repeat(5 - item.rating)}
                  </p>`
                : ''
            }
            <blockquote>${paragraphs(pick(item.quote, l))}</blockquote>
            <figcaption>
              <strong><bdi>${pick(item.author, l)}</bdi></strong
              >${item.detail ? markup` <span class="muted">· ${pick(item.detail, l)}</span>` : ''}
            </figcaption>
          </figure>
        </li>`,
    );
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state)}
      <ul class="grid">
        ${items}
      </ul>
    </div>`;
  },
  faq(section, state) {
    const l = state.locale;
    const items = section.props.items.map((item) =>
      section.variant === 'accordion'
        ? markup`<details>
            <summary>${pick(item.question, l)}</summary>
            ${paragraphs(pick(item.answer, l))}
          </details>`
        : markup`<div class="card">
            <h3>${pick(item.question, l)}</h3>
            ${paragraphs(pick(item.answer, l))}
          </div>`,
    );
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state)}
      <div class="faq">${items}</div>
    </div>`;
  },
  team(section, state) {
    const l = state.locale;
    const items = section.props.members.map(
      (m) =>
        markup`<li class="card">
          ${m.image && section.variant === 'cards' ? image(state, m.image) : ''}
          <h3><bdi>${pick(m.name, l)}</bdi></h3>
          <p class="muted">${pick(m.role, l)}</p>
          ${m.bio ? paragraphs(pick(m.bio, l)) : ''}
        </li>`,
    );
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state, section.props.intro)}
      <ul class="grid">
        ${items}
      </ul>
    </div>`;
  },
  cta(section, state) {
    const { props } = section;
    const l = state.locale;
    const text = markup`<h2 id="${section.id}-h">${pick(props.heading, l)}</h2>
      ${props.text ? paragraphs(pick(props.text, l)) : ''}`;
    return markup`<div class="wrap">
      <div class="cta${section.variant === 'split' ? ' two' : ''}">
        ${section.variant === 'split' ? markup`<div>${text}</div>` : text}${buttons(state, props.action, props.secondary)}
      </div>
    </div>`;
  },
  text(section, state) {
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state)}
      <div class="body">${paragraphs(pick(section.props.body, state.locale))}</div>
    </div>`;
  },
  footer(section, state) {
    const { props } = section;
    const l = state.locale;
    const b = state.document.business;
    const contact = props.showContact
      ? [
          b.phone
            ? markup`<li>
                <a href="${telUrl(b.phone)}">${WORDS[l].call}: <bdi dir="ltr">+${b.phone.replace(/^\+/, '')}</bdi></a>
              </li>`
            : '',
          b.whatsapp ? markup`<li><a href="${whatsappUrl(b.whatsapp, null)}" rel="noopener">${WORDS[l].whatsapp}</a></li>` : '',
          b.email
            ? markup`<li>
                <a href="${mailtoUrl(b.email)}"><bdi dir="ltr">${b.email}</bdi></a>
              </li>`
            : '',
          b.address ? markup`<li>${pick(b.address, l)}</li>` : '',
        ]
      : [];
    const links = props.links
      .map((act) => {
        const url = linkUrl(act.link, state);
        return url ? markup`<li><a href="${url}">${pick(act.label, l)}</a></li>` : '';
      })
      .filter(Boolean);
    return markup`<div class="wrap">
      <div class="cols">
        <div>
          <p class="brand"><bdi>${pick(b.name, l)}</bdi></p>
          ${props.tagline ? paragraphs(pick(props.tagline, l), 'muted') : ''}
        </div>
        ${
          contact.some(Boolean)
            ? markup`<ul>
                ${contact}
              </ul>`
            : ''
        }${
          links.length
            ? markup`<ul>
                ${links}
              </ul>`
            : ''
        }
      </div>
      ${props.note ? markup`<p class="muted">${pick(props.note, l)}</p>` : ''}
    </div>`;
  },
  whatsapp(section, state) {
    const { props } = section;
    const l = state.locale;
    const url = whatsappUrl(props.number, props.message ? pick(props.message, l) : null);
    const link = markup`<a class="btn wa${section.variant === 'floating' ? ' fab' : ''}" href="${url}" rel="noopener"
      >${WHATSAPP_ICON}${pick(props.label, l)}</a
    >`;
    return section.variant === 'floating' ? link : markup`<div class="wrap"><div class="btns">${link}</div></div>`;
  },
  social(section, state) {
    const items = section.props.accounts.map(
      (a) =>
        markup`<li>
          <a class="btn${section.variant === 'icons' ? ' ghost' : ''}" href="${socialUrl(a.network, a.handle)}" rel="noopener"
            >${SOCIAL_NAMES[a.network]} <bdi dir="ltr">@${a.handle}</bdi></a
          >
        </li>`,
    );
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state)}
      <ul class="chips">
        ${items}
      </ul>
    </div>`;
  },
  delivery(section, state) {
    const l = state.locale;
    const items = section.props.links.map((link) => {
      const url = linkUrl({ kind: 'url', href: link.href }, state);
      const name = DELIVERY_NAMES[link.platform][l];
      return url
        ? section.variant === 'cards'
          ? markup`<li class="card">
              <h3>${name}</h3>
              <a class="btn" href="${url}" rel="noopener">${WORDS[l].orderOn(name)}</a>
            </li>`
          : markup`<li><a class="btn" href="${url}" rel="noopener">${WORDS[l].orderOn(name)}</a></li>`
        : '';
    });
    return markup`<div class="wrap">
      ${heading(section, section.props.heading, state, section.props.intro)}
      <ul class="${section.variant === 'cards' ? 'grid' : 'chips'}">
        ${items}
      </ul>
    </div>`;
  },
};

function hasHeading(section: SiteSection): boolean {
  const props = section.props as { heading?: unknown };
  return section.type === 'cta' || (props.heading !== undefined && props.heading !== null);
}

/** One section as its landmark element. Floating WhatsApp buttons and footers are placed by the page. */
export function renderSection(section: SiteSection, state: SectionState): Html {
  const body = (RENDERERS[section.type] as Renderer<SectionType>)(section as never, state);
  if (section.type === 'whatsapp' && section.variant === 'floating') return body;
  if (section.type === 'footer') return markup`<footer id="${section.id}" class="foot v-${section.variant}">${body}</footer>`;
  const labelled = hasHeading(section) && section.type !== 'hero' ? markup` aria-labelledby="${section.id}-h"` : '';
  return markup`<section
    id="${section.id}"
    class="s s-${section.type} v-${section.variant}${section.type === 'hero' ? ' hero' : ''}"
    ${labelled}
  >
    ${body}
  </section>`;
}

export type { SiteDocument };
