/** React hooks of the UI that hold no tier state: the terminal's size, and state a key handler reads at once. */
import { useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';

export function useTerminalSize(columns?: number, rows?: number): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [stdout]);
  return { columns: columns ?? size.columns, rows: rows ?? size.rows };
}

/** useState plus a ref that always holds the newest value, updated as soon as it is set (not at the next render). */
export function useLatestState<T>(initial: T): [T, (next: T) => void, { readonly current: T }] {
  const [state, setState] = useState(initial);
  const ref = useRef(state);
  const set = useCallback((next: T) => {
    ref.current = next;
    setState(next);
  }, []);
  return [state, set, ref];
}
