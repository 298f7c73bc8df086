/** Worker entry: /api/* runs the Hono app; every other path is served from the built Astro site. */
import { createApp } from './app';

export default createApp();
