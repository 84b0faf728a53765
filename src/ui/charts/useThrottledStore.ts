/** A store selection that re-renders at most every `ms` (with a trailing update): live charts stay cheap. */
import { startTransition, useEffect, useRef, useState } from 'react';
import { useAppStore, type AppState } from '../../store/store';

export function useThrottledStore<T>(select: (s: AppState) => T, ms: number): T {
  const [value, setValue] = useState(() => select(useAppStore.getState()));
  const selectRef = useRef(select);
  selectRef.current = select;
  useEffect(() => {
    let last = 0;
    let timer = 0;
    const push = () => {
      last = performance.now();
      timer = 0;
      const next = selectRef.current(useAppStore.getState());
      // a transition: React renders the charts in slices, yielding to input and frames, instead of
      // one long task per update (a plain update from a timer renders in one go)
      startTransition(() => setValue(next));
    };
    const unsubscribe = useAppStore.subscribe((s, prev) => {
      if (selectRef.current(s) === selectRef.current(prev)) return;
      const wait = ms - (performance.now() - last);
      if (wait <= 0) push();
      else if (!timer) timer = window.setTimeout(push, wait);
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [ms]);
  return value;
}
