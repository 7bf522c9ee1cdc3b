/**
 * A request surveyed instead of converted: per resource, its attributes and how many items it sent, and whether
 * every item can be kept. It reads protobufjs messages of the survey schema (transport/otlp-survey-proto.ts), which
 * carry only the fields these rules look at; the rules are the conversion's own (convert.ts), so an item the survey
 * counts is an item the conversion keeps. A request with an item that cannot be kept is converted at once instead,
 * so its answer can say which.
 */
import type { Attributes, Signal } from './types.js';
import { itemsOf, logKeepable, metricType, spanKeepable } from './convert.js';
import { isObject, keyValues, list, type Raw } from './values.js';

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

const KEYS: Record<Signal, [string, string, string]> = {
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};

/** How many items one entry of a scope stands for (a metric: its data points), or -1 when it cannot be kept. */
function weigh(signal: Signal, item: unknown): number {
  if (!isObject(item)) return -1;
  if (signal === 'traces') return spanKeepable(item) ? 1 : -1;
  if (signal === 'logs') return logKeepable(item) ? 1 : -1;
  const type = metricType(item);
  return type ? list((item[type] as Raw).dataPoints).length : -1;
}

export function surveyRequest(signal: Signal, request: unknown): Survey {
  const [resourceKey, scopeKey, itemKey] = KEYS[signal];
  const survey: Survey = { groups: [], items: 0, keepable: true };
  for (const group of itemsOf(request, resourceKey)) {
    const counted: SurveyGroup = { resource: keyValues(isObject(group.resource) ? group.resource.attributes : undefined), items: 0 };
    for (const scoped of itemsOf(group, scopeKey)) {
      for (const item of list(scoped[itemKey])) {
        const weight = weigh(signal, item);
        if (weight < 0) survey.keepable = false;
        else counted.items += weight;
      }
    }
    survey.groups.push(counted);
    survey.items += counted.items;
  }
  return survey;
}
