import { effect, useSignal } from '@preact/signals';
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import { countUnseen } from '../alarm/arrivals.ts';
import { openAlerts } from '../store.ts';
import { tAlerts } from '../i18n/alerts.ts';

/** Height of the sticky top bar plus a margin: a list top hidden under it is out of view. */
const TOPBAR_PX = 72;

/**
 * Whether the list top is visible below the top bar, read from layout at this moment. The observer's
 * view of it arrives a frame or more after a scroll; a call landing in that gap would be counted as
 * seen while the caregiver is already looking elsewhere.
 */
function inViewNow(el: HTMLElement): boolean {
  const r = el.getBoundingClientRect();
  return r.bottom >= TOPBAR_PX && r.top <= window.innerHeight;
}

/**
 * "↑ N new alarms": a new call arrived while the caregiver had scrolled the alert list away from its
 * top, where new calls appear. One click scrolls back.
 */
export function NewAlarmChip({ top }: { top: RefObject<HTMLDivElement> }) {
  const unseen = useSignal(0);

  useEffect(() => {
    const el = top.current;
    if (!el) return;
    const io = new IntersectionObserver(
      ([entry]) => {
        // Scrolled back to the top: everything there has been seen.
        if (entry?.isIntersecting ?? true) unseen.value = 0;
      },
      { rootMargin: `-${TOPBAR_PX}px 0px 0px 0px` },
    );
    io.observe(el);
    let known = new Set<string>();
    const stop = effect(() => {
      const r = countUnseen(openAlerts.value, known, unseen.peek(), inViewNow(el));
      known = r.known;
      unseen.value = r.unseen;
    });
    return () => {
      io.disconnect();
      stop();
    };
  }, []);

  if (unseen.value === 0) return null;
  const n = unseen.value;
  return (
    <button
      type="button"
      class="new-alarms"
      data-testid="new-alarms"
      onClick={() => {
        top.current?.scrollIntoView({ block: 'start' });
        unseen.value = 0;
      }}
    >
      {tAlerts('newAlarms', { n })}
    </button>
  );
}
