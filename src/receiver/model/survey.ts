/**
 * A request surveyed instead of converted: per resource, its attributes and how many items it sent, and whether
 * every item can be kept. It reads protobufjs messages of the survey schema (transport/otlp-survey-proto.ts), which
 * carry only the fields these rules look at; the rules are the conversion's own (convert.ts), so an item the survey
 * counts is an item the conversion keeps. A request with an item that cannot be kept is converted at once instead,
 * so its answer can say which.
 */
import type { Attributes, Signal } from './types.js';
import { logKeepable, metricType, spanKeepable, walkRequest } from './convert.js';
import { list, type Raw } from './values.js';

export interface SurveyGroup {
  resource: Attributes;
  items: number;
}

export interface Survey {
  groups: SurveyGroup[];
  items: number;
  /** Every item can be kept (false: convert the request to reject the right ones). */
  keepable: boolean;
}

/** How many items one entry of a scope stands for (a metric: its data points), or -1 when it cannot be kept. */
function weigh(signal: Signal, item: Raw | undefined): number {
  if (!item) return -1;
  if (signal === 'traces') return spanKeepable(item) ? 1 : -1;
  if (signal === 'logs') return logKeepable(item) ? 1 : -1;
  const type = metricType(item);
  return type ? list((item[type] as Raw).dataPoints).length : -1;
}

export function surveyRequest(signal: Signal, request: unknown): Survey {
  const groups: SurveyGroup[] = [];
  const survey: Survey = { groups, items: 0, keepable: true };
  walkRequest(request, signal, (resource, _scope, item, group) => {
    const counted = (groups[group] ??= { resource, items: 0 });
    const weight = weigh(signal, item);
    if (weight < 0) survey.keepable = false;
    else {
      counted.items += weight;
      survey.items += weight;
    }
  });
  // A group with no items at all is never visited: it still takes its place, so origins line up by index.
  for (let i = 0; i < groups.length; i++) groups[i] ??= { resource: {}, items: 0 };
  return survey;
}
