import { renderCard, type AdaptiveCard } from '../cards/renderCard';
import { escapeMarkdown } from '../../engine/engineApi';

// The help card: what the bot understands, with an optional notice (text it did not understand).

export function helpCard(notice = ''): AdaptiveCard {
  return renderCard('help', { notice: escapeMarkdown(notice) });
}
