/** A value tests put in client input (bodies, cursors, headers); the log audit fails the run if it ever reaches a log line. */
export const CLIENT_CANARY = 'kwq8canary';
