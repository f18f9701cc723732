import { renderCard, type AdaptiveCard } from '../cards/renderCard';

/** A short card with a title, a sentence and optional facts: refusals, confirmations, lists. */
export function messageCard(
  title: string,
  text: string,
  color: 'Default' | 'Good' | 'Attention' | 'Warning' | 'Accent' = 'Default',
  facts: Array<{ title: string; value: string }> = [],
): AdaptiveCard {
  return renderCard('message', { title, text, color, facts });
}
