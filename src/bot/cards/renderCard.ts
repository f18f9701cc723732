import fs from 'node:fs';
import path from 'node:path';
import { Template } from 'adaptivecards-templating';
import { projectRoot } from '../../projectRoot';

/**
 * Renders an Adaptive Card from its template in `cards/<name>.json` with adaptivecards-templating.
 * Templates are parsed once and cached; the data is plain JSON built by the view functions.
 */
export type CardName =
  | 'welcome'
  | 'help'
  | 'scenario'
  | 'chooser'
  | 'details'
  | 'confirm'
  | 'run'
  | 'approval'
  | 'manual'
  | 'completion'
  | 'message';

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

export function renderCard(name: CardName, data: object): AdaptiveCard {
  return templateOf(name).expand({ $root: data }) as AdaptiveCard;
}
