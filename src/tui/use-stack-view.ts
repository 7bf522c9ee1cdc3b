/** The App's state of the view (stack-view.ts): rendered when it changes, followed while mounted, ended once. */
import { useEffect, useRef, useState } from 'react';
import type { SupervisorControl } from '../supervisor/types.js';
import type { Status } from './components/footer.js';
import { StackView, type DataView } from './stack-view.js';
import type { LiveCells } from './use-live-cells.js';

export interface StackViewOptions {
  control: SupervisorControl;
  clock: () => number;
  refreshMs: number;
  sampleUsage: boolean;
  live: LiveCells;
  quitting: { readonly current: boolean };
  onExit: (() => void) | undefined;
}

export interface StackViewState {
  stackView: StackView;
  status: Status | null;
  setStatus: (status: Status | null) => void;
}

export function useStackView(options: StackViewOptions): StackViewState {
  const [, setView] = useState<DataView | undefined>(undefined);
  const [status, setStatus] = useState<Status | null>(null);
  const [ending, setEnding] = useState(false);
  const host = {
    control: options.control,
    clock: options.clock,
    render: setView,
    paint: (view: DataView) => options.live.paint(view),
    setStatus,
    end: () => setEnding(true),
    quitting: () => options.quitting.current,
  };
  const [stackView] = useState(() => new StackView(host, options.refreshMs));
  // The newest props and callbacks for the timers and the event listener, without re-subscribing.
  stackView.host = host;
  const onExitRef = useRef(options.onExit);
  onExitRef.current = options.onExit;

  useEffect(
    () => stackView.start(options.sampleUsage),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  // Passive effects run after ink has drawn the commit, so the last frame already shows how things ended.
  useEffect(() => {
    if (ending) onExitRef.current?.();
  }, [ending]);
  return { stackView, status, setStatus };
}
