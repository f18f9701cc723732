import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { escapeMarkdown } from '../../engine/engineApi';

/** A short card with a title, a sentence and optional facts: refusals, confirmations, lists. */
export function messageCard(
  title: string,
  text: string,
  color: 'Default' | 'Good' | 'Attention' | 'Warning' | 'Accent' = 'Default',
  facts: Array<{ title: string; value: string }> = [],
): AdaptiveCard {
  // Refusals and lists quote what people typed and their names: shown literally (markdown.ts).
  return renderCard('message', {
    title: escapeMarkdown(title),
    text: escapeMarkdown(text),
    color,
    facts: facts.map((fact) => ({ title: escapeMarkdown(fact.title), value: escapeMarkdown(fact.value) })),
  });
}
