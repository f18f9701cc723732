import { z } from 'zod';

// How one environment variable's text becomes a value (the settings of configSchema.ts): switches,
// ports, numbers in range, URLs, id lists, OTLP headers; empty or unset takes the default.
const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];

/** A switch: true/false, 1/0, yes/no or on/off, any case; empty or unset takes the default. */
export const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((value) => (value ?? '').trim().toLowerCase())
    .refine((value) => value === '' || TRUE_WORDS.includes(value) || FALSE_WORDS.includes(value), {
      message: 'must be true or false (also accepted: 1/0, yes/no, on/off)',
    })
    .transform((value) => (value === '' ? fallback : TRUE_WORDS.includes(value)));

/** The variable's text as given; unset or empty: the default's text, so it meets the same checks. */
const textOrDefault = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === '' ? String(fallback) : value));

export const port = (fallback: number) =>
  textOrDefault(fallback).pipe(
    z
      .string()
      .regex(/^\d+$/, 'must be a whole number from 0 to 65535')
      .transform(Number)
      .pipe(z.number().int().min(0, 'must be from 0 to 65535').max(65535, 'must be from 0 to 65535')),
  );

export const positiveNumber = (fallback: number) =>
  textOrDefault(fallback).pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'must be a non-negative number')
      .transform(Number),
  );

/** A whole number from `min` to `max`; empty or unset takes the default. */
export const wholeNumber = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? String(fallback) : value.trim()))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
        .transform(Number)
        .pipe(
          z
            .number()
            .int()
            .min(min, `must be from ${min} to ${max}`)
            .max(max, `must be from ${min} to ${max}`),
        ),
    );

/**
 * A duration in `unit`s, above 0 and at most `max`: 0 would expire or fire at once, and every timer
 * stays below Node's 2^31-1 ms limit (src/timerDelay.ts clamps what is computed from these).
 */
export const duration = (fallback: number, max: number, unit: string) =>
  positiveNumber(fallback).pipe(
    z.number().gt(0, `must be above 0 ${unit}`).max(max, `must be at most ${max} ${unit}`),
  );

export const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

export const optionalUrl = optionalString.pipe(z.string().url('must be a URL').optional());

export const idList = optionalString.transform((value) =>
  value
    ? value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean)
    : [],
);

/** OTLP headers as the OpenTelemetry specification writes them: comma-separated `key=value`, URL-encoded. */
export function otlpHeaders(value: string | undefined): Record<string, string> | undefined {
  if (!value) return undefined;
  const headers: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}
