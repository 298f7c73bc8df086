/** The dashboard's view of the API: its client, response types inferred from the Worker's routes (no restated shapes), paging. */
import type { InferResponseType } from 'hono/client';
import { useMemo } from 'react';
import { apiClient, type ApiClient } from '../../lib/api';
import { useI18n } from '../common';
import { PAGE_SIZE } from './page-size';

export { PAGE_SIZE };

type Routes = ApiClient['api'];

export type Me = InferResponseType<Routes['me']['$get'], 200>;
export type LedgerPage = InferResponseType<Routes['credits']['ledger']['$get'], 200>;
export type LedgerEntry = LedgerPage['entries'][number];
export type Project = InferResponseType<Routes['projects']['$get'], 200>['projects'][number];
export type BookingPage = InferResponseType<Routes['projects'][':id']['bookings']['$get'], 200>;
export type Booking = BookingPage['bookings'][number];
export type DomainCheck = InferResponseType<Routes['domains']['check']['$get'], 200>;
export type DomainAdded = InferResponseType<Routes['projects'][':id']['domain']['$post'], 201>;
export type ProjectDomain = InferResponseType<Routes['projects'][':id']['domains']['$get'], 200>['domains'][number];
export type Service = InferResponseType<Routes['projects'][':id']['services']['$get'], 200>['services'][number];
export type OpeningHours = InferResponseType<Routes['projects'][':id']['hours']['$get'], 200>['hours'];
export type BookingSettings = InferResponseType<Routes['projects'][':id']['booking-settings']['$get'], 200>['settings'];

/** A keyset-paged list as the dashboard keeps it: rows so far and the cursor of the next page. */
export interface Paged<T> {
  rows: T[];
  next: string | null;
}

/** The typed API client for the page's language. */
export function useApi(): ApiClient {
  const { locale } = useI18n();
  return useMemo(() => apiClient(locale), [locale]);
}
