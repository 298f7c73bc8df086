/**
 * Which site a request's Host names. `<slug label>.<SITES_DOMAIN>` is a project's site (the
 * label is the IDNA form of the slug: `xn--…` for Arabic slugs); a host in PLATFORM_HOSTS, a
 * loopback address or a workers.dev preview is the platform itself (dashboard, marketing, API);
 * any other host may be a project's verified custom domain, which only the database can tell.
 * Without SITES_DOMAIN no site is served (every host is the platform).
 */
import { punycodeDecode } from '../../../shared/domain-name';
import type { Bindings } from '../../env';

export type HostTarget = { kind: 'platform' } | { kind: 'slug'; slug: string } | { kind: 'domain'; name: string } | { kind: 'unknown' };

interface HostSettings {
  sitesDomain: string | null;
  platformHosts: ReadonlySet<string>;
}

const LOOPBACK = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\]|localhost)$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/;

const cache = new WeakMap<object, HostSettings>();

/** SITES_DOMAIN and PLATFORM_HOSTS, read once per isolate. */
export function hostSettings(env: Pick<Bindings, 'SITES_DOMAIN' | 'PLATFORM_HOSTS'>): HostSettings {
  let settings = cache.get(env);
  if (!settings) {
    const domain = (env.SITES_DOMAIN ?? '')
      .trim()
      .toLowerCase()
      .replace(/^\.+|\.+$/g, '');
    const hosts = (env.PLATFORM_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean);
    settings = { sitesDomain: domain || null, platformHosts: new Set(hosts) };
    cache.set(env, settings);
  }
  return settings;
}

/** The slug a site label stands for (`xn--` labels decoded), or null when it cannot be one. */
function slugOfLabel(label: string): string | null {
  if (!LABEL.test(label)) return null;
  if (!label.startsWith('xn--')) return label;
  try {
    return punycodeDecode(label.slice(4));
  } catch {
    return null;
  }
}

export function hostTarget(hostHeader: string | undefined, settings: HostSettings): HostTarget {
  const host = (hostHeader ?? '').trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  const { sitesDomain, platformHosts } = settings;
  if (!host || LOOPBACK.test(host) || platformHosts.has(host) || host.endsWith('.workers.dev') || !sitesDomain) return { kind: 'platform' };
  if (host === sitesDomain || host === `www.${sitesDomain}`) return { kind: 'platform' };
  if (host.endsWith(`.${sitesDomain}`)) {
    const label = host.slice(0, -sitesDomain.length - 1);
    const slug = label.includes('.') ? null : slugOfLabel(label);
    return slug ? { kind: 'slug', slug } : { kind: 'unknown' };
  }
  // Custom domains exist only where the operator lists the platform's own hosts: otherwise the
  // platform's address would be looked up as a domain on every request.
  if (platformHosts.size === 0) return { kind: 'platform' };
  return HOST.test(host) ? { kind: 'domain', name: host } : { kind: 'unknown' };
}

/**
 * The address of a project's site under SITES_DOMAIN (IDNA form of the slug), or null without one
 * or when the slug is no valid host label (IDNA refuses, e.g., Arabic and Latin letters in one label).
 */
export function siteOrigin(slug: string, settings: HostSettings, requestUrl: string): string | null {
  if (!settings.sitesDomain) return null;
  const request = new URL(requestUrl);
  let url: URL;
  try {
    url = new URL(`${request.protocol}//${slug}.${settings.sitesDomain}`);
  } catch {
    return null;
  }
  if (request.port && LOOPBACK.test(settings.sitesDomain)) url.port = request.port;
  return url.origin;
}
