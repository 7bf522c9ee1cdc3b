/**
 * The App's input: each key of an input event to handleKey (key-handler.ts), in order, each seeing the state the one
 * before left; a bracketed paste to handlePaste, never as keys (paste.ts).
 */
import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { handleKey, handlePaste, type KeyContext } from './key-handler.js';
import { InputGate } from './paste.js';
import { keysOfText, splitKeys } from './split-keys.js';

/** `context` is called for each key: it reads the UI state the previous key left (refs), not the last render's. */
export function useKeys(context: () => KeyContext, isActive: boolean): void {
  // ink re-subscribes a changed handler only in a passive effect, which can lag a render: a key arriving in between
  // would meet the previous render's state. Stable handlers that call the latest closure avoid that.
  const contextRef = useRef(context);
  contextRef.current = context;
  const [gate] = useState(() => new InputGate());
  const { internal_eventEmitter: events } = useStdin();

  // ink's own input events, before useInput's listener makes keys of them: the gate must see the raw text (the paste
  // markers, the pasted bytes as they came). ink emits each event to its listeners in order, synchronously.
  useEffect(() => {
    if (!isActive) return;
    const onInput = (raw: string) => {
      const step = gate.read(raw);
      if (step.pasted !== undefined) handlePaste(step.pasted, contextRef.current());
      for (const [one, oneKey] of keysOfText(step.after ?? '')) handleKey(one, oneKey, contextRef.current());
    };
    events.prependListener('input', onInput);
    return () => {
      events.off('input', onInput);
    };
  }, [events, gate, isActive]);

  const onKey = useCallback(
    (input: string, key: Key) => {
      const step = gate.last;
      if (!step.keys) return;
      const keys = splitKeys(input, key);
      // Each key of a chunk in order, each seeing the state the one before left (the refs handleKey reads).
      for (const [one, oneKey] of step.joinedLineFeed ? keys.slice(1) : keys) handleKey(one, oneKey, contextRef.current());
    },
    [gate],
  );
  useInput(onKey, { isActive });
}
