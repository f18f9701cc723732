import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { projectRoot } from '../../projectRoot';

import type { CardModels, CardName } from './cardModels';

// Renders an Adaptive Card from its template in `cards/<name>.json` with adaptivecards-templating.
// Templates are parsed once and cached; the data is the card's model (cardModels.ts), built by the
// view functions.

export type { CardModels, CardName } from './cardModels';

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

const templates = new Map<CardName, Template>();

/** The folder of the card templates: `cards/` at the project root. */
export function cardsDirectory(): string {
  return path.join(projectRoot(), 'cards');
}

function templateOf(name: CardName): Template {
  let template = templates.get(name);
  if (!template) {
    const json = JSON.parse(fs.readFileSync(path.join(cardsDirectory(), `${name}.json`), 'utf8'));
    template = new Template(json);
    templates.set(name, template);
  }
  return template;
}

export function renderCard<N extends CardName>(name: N, data: CardModels[N]): AdaptiveCard {
  return templateOf(name).expand({ $root: data }) as AdaptiveCard;
}
