/**
 * Reports errors that happen in the browser to POST /api/client-errors, so they are not lost on
 * the visitor's screen: fire and forget, never retried, and a failed report is ignored. E-mail
 * addresses and tokens are removed first, and the URL is sent without its query and fragment
 * (a magic link carries the session there).
 */

const MAX_MESSAGE = 500;
const MAX_STACK = 4000;

/** Removes what could identify a person or open their account. */
export function scrub(text: string): string {
  return text
    .replace(/[^\s@<>()"']+@[^\s@<>()"']+/g, '[email]')
    .replace(/\bBearer\s+\S+/gi, 'Bearer [token]')
    .replace(/\beyJ[\w-]*\.[\w-]*\.[\w-]*/g, '[token]')
    .replace(/\b(access_token|refresh_token|token|code)=[^&\s#]+/gi, '$1=[token]')
    .replace(/\b[A-Za-z0-9_-]{32,}\b/g, '[token]');
}

export function reportClientError(error: unknown): void {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const stack = error instanceof Error ? error.stack : undefined;
  const body = JSON.stringify({
    message: scrub(message).slice(0, MAX_MESSAGE),
    url: `${location.origin}${location.pathname}`,
    ...(stack ? { stack: scrub(stack).slice(0, MAX_STACK) } : {}),
  });
  fetch('/api/client-errors', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body, keepalive: true }).catch(() => {});
}

let watching = false;

/** Reports uncaught errors and unhandled promise rejections of the page, once per page. */
export function watchClientErrors(): void {
  if (watching) return;
  watching = true;
  window.addEventListener('error', (event) => reportClientError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => reportClientError(event.reason));
}
