import { effect, useSignal } from '@preact/signals';
import type { RefObject } from 'preact';
import { useEffect } from 'preact/hooks';
import { countUnseen } from '../alarm/arrivals.ts';
import { openAlerts } from '../store.ts';

/** Height of the sticky top bar plus a margin: a list top hidden under it is out of view. */
const TOPBAR_PX = 72;

/**
 * "↑ N new alarms": a new call arrived while the caregiver had scrolled the alert list away from its
 * top, where new calls appear. One click scrolls back.
 */
export function NewAlarmChip({ top }: { top: RefObject<HTMLDivElement> }) {
  const unseen = useSignal(0);
  const topInView = useSignal(true);

  useEffect(() => {
    const el = top.current;
    if (!el) return;
    const io = new IntersectionObserver(
      ([entry]) => {
        topInView.value = entry?.isIntersecting ?? true;
        if (topInView.value) unseen.value = 0;
      },
      { rootMargin: `-${TOPBAR_PX}px 0px 0px 0px` },
    );
    io.observe(el);
    let known = new Set<string>();
    const stop = effect(() => {
      const r = countUnseen(openAlerts.value, known, unseen.peek(), topInView.peek());
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
      ↑ {n} new alarm{n > 1 ? 's' : ''}
    </button>
  );
}
