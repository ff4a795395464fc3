import { locale } from './locale.ts';

/**
 * Dates, times and numbers in the user's language (Intl), so 14:05 and 2026年12月5日 read naturally
 * in Chinese and "5 Dec, 14:05" in English. Every time on the board goes through these.
 */
export function formatTime(ms: number): string {
  return new Intl.DateTimeFormat(locale.value, { hour: '2-digit', minute: '2-digit', hour12: false }).format(ms);
}

export function formatDateTime(ms: number): string {
  return new Intl.DateTimeFormat(locale.value, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(ms);
}

export function formatNumber(n: number, maximumFractionDigits = 1): string {
  return new Intl.NumberFormat(locale.value, { maximumFractionDigits }).format(n);
}

export function formatPercent(fraction: number): string {
  return new Intl.NumberFormat(locale.value, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
}
