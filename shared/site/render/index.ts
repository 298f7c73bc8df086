/** The site renderer's public surface. */
export { renderSitePage, renderSitemap, renderRobots, resolveSitePath, type RenderContext, type RenderedPage } from './page';
export type { BookableService } from './sections';
export { escapeHtml } from './html';
