/** The actions the landing page and the pricing FAQ quote as examples of what credits buy. */
import type { CreditAction } from '../../../shared/pricing';

export const EXAMPLE_ACTIONS: readonly CreditAction[] = ['chat_message', 'simple_edit', 'page_generation'];
