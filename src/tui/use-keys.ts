/**
 * The App's input: each key of an input event to handleKey (key-handler.ts), in order, each seeing the state the one
 * before left; a bracketed paste to handlePaste, never as keys (paste.ts).
 */
import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { handleKey, handlePaste, type KeyContext } from './key-handler.js';
import { InputGate } from './paste.js';
import { splitKeys } from './split-keys.js';

/** `context` is called for each key: it reads the UI state the previous key left (refs), not the last render's. */
export function useKeys(context: () => KeyContext, isActive: boolean): void {
  // ink re-subscribes a changed handler only in a passive effect, which can lag a render: a key arriving in between
  // would meet the previous render's state. Stable handlers that call the latest closure avoid that.
  const contextRef = useRef(context);
  contextRef.current = context;
  const [gate] = useState(() => new InputGate());
  const { internal_eventEmitter: events } = useStdin();
  // Whether the event being emitted reached onKey: a throw before it is ink's own key parsing failing.
  const reached = useRef(false);

  // The gate sits between ink's reading of the terminal and its listeners, useInput's among them: a paste must not
  // reach ink's key parsing at all (ink 6.8's useInput throws on an escape sequence it cannot name, such as a colour
  // code in pasted text), and an EventEmitter cannot stop an event for the listeners after one.
  useEffect(() => {
    if (!isActive) return;
    const emit = events.emit;
    events.emit = (name: string | symbol, ...args: unknown[]): boolean => {
      if (name !== 'input' || typeof args[0] !== 'string') return emit.call(events, name, ...args);
      const step = gate.read(args[0]);
      if (step.pasted !== undefined) handlePaste(step.pasted, contextRef.current());
      if (!step.keys) return false;
      reached.current = false;
      try {
        return emit.call(events, name, step.keys);
      } catch (error) {
        // ink 6.8's useInput throws (`input.startsWith` of undefined) on a CSI it names no key and marks Ctrl: Ctrl-F1
        // to Ctrl-F4 (`ESC[1;5P`), a colour code typed as keys. That would end land and its stack: such a key is
        // ignored, as an unbound one is. A throw from land's own handling (onKey reached) still goes up.
        if (reached.current) throw error;
        return false;
      }
    };
    return () => {
      events.emit = emit;
    };
  }, [events, gate, isActive]);

  const onKey = useCallback((input: string, key: Key) => {
    reached.current = true;
    // Each key of a chunk in order, each seeing the state the one before left (the refs handleKey reads).
    for (const [one, oneKey] of splitKeys(input, key)) handleKey(one, oneKey, contextRef.current());
  }, []);
  useInput(onKey, { isActive });
}
