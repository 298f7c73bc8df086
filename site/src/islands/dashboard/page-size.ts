/** How many ledger entries and bookings the dashboard asks for per page (the end-to-end tests page through them too). */
export const PAGE_SIZE = 10;
