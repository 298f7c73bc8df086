/**
 * The contacts a domain registration needs (Namecheap's Registrant, Tech, Admin and AuxBilling),
 * as the API takes them: the registrant, and optionally the others (each defaults to the
 * registrant). Printable ASCII only, as registrars publish WHOIS data; phone as +965.55551234.
 * The database checks the same rules (private.is_domain_contacts) before any payment exists.
 * Schemas are `lazy` getters (shared/lazy.ts), built on first use.
 */
import * as z from 'zod/mini';
import { lazy } from './lazy';

const ascii = (max: number) => z.string().check(z.trim(), z.minLength(1), z.maxLength(max), z.regex(/^[\x20-\x7e]*$/));
const optionalAscii = (max: number) => z.optional(z.string().check(z.trim(), z.maxLength(max), z.regex(/^[\x20-\x7e]*$/)));

export const domainContact = lazy(() =>
  z.strictObject({
    firstName: ascii(255),
    lastName: ascii(255),
    organizationName: optionalAscii(255),
    jobTitle: optionalAscii(255),
    address1: ascii(255),
    address2: optionalAscii(255),
    city: ascii(50),
    stateProvince: ascii(50),
    postalCode: ascii(50),
    /** ISO 3166-1 alpha-2, e.g. KW. */
    country: z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z]{2}$/)),
    /** +country code, a dot, the number: +965.55551234. */
    phone: z.string().check(z.trim(), z.regex(/^\+\d{1,3}\.\d{4,14}$/)),
    email: z.string().check(z.trim(), z.regex(/^[!-?A-~]{1,64}@[!-?A-~]{1,190}\.[!-?A-~]{2,63}$/)),
  }),
);
export type DomainContactInput = z.infer<ReturnType<typeof domainContact>>;

export const domainContacts = lazy(() =>
  z.strictObject({
    registrant: domainContact(),
    tech: z.optional(domainContact()),
    admin: z.optional(domainContact()),
    auxBilling: z.optional(domainContact()),
  }),
);
export type DomainContactsInput = z.infer<ReturnType<typeof domainContacts>>;

/** All four roles, the missing ones filled with the registrant. */
export function completeContacts(input: DomainContactsInput): Record<'registrant' | 'tech' | 'admin' | 'auxBilling', DomainContactInput> {
  return {
    registrant: input.registrant,
    tech: input.tech ?? input.registrant,
    admin: input.admin ?? input.registrant,
    auxBilling: input.auxBilling ?? input.registrant,
  };
}
