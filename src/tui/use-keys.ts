/**
 * The App's input: each key of an input event to handleKey (key-handler.ts), in order, each seeing the state the one
 * before left; a bracketed paste to handlePaste, never as keys (paste.ts); escape sequences that are no key dropped
 * (key-filter.ts).
 */
import { useInput, useStdin, type Key } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import { handleKey, handlePaste, type KeyContext } from './key-handler.js';
import { KeyFilter } from './key-filter.js';
import { INPUT_IDLE_MS, InputGate } from './paste.js';
import { splitKeys } from './split-keys.js';

/** `context` is called for each key: it reads the UI state the previous key left (refs), not the last render's. */
export function useKeys(context: () => KeyContext, isActive: boolean): void {
  // ink re-subscribes a changed handler only in a passive effect, which can lag a render: a key arriving in between
  // would meet the previous render's state. Stable handlers that call the latest closure avoid that.
  const contextRef = useRef(context);
  contextRef.current = context;
  const [gate] = useState(() => new InputGate());
  const [filter] = useState(() => new KeyFilter());
  const { internal_eventEmitter: events } = useStdin();

  // The gate and the filter sit between ink's reading of the terminal and its listeners, useInput's among them: a
  // paste, and an escape sequence that is no key, must not reach ink's key parsing at all (ink 6.8's useInput throws
  // on a sequence it cannot name), and an EventEmitter cannot stop an event for the listeners after one.
  useEffect(() => {
    if (!isActive) return;
    const emit = events.emit;
    const idle = new IdleEnd(() => {
      const step = gate.end();
      filter.end();
      if (step.pasted !== undefined) handlePaste(step.pasted, contextRef.current());
    });
    const emitKeys = (keys: readonly string[]) => {
      for (const one of keys) emitKey(() => emit.call(events, 'input', one), contextRef.current);
    };
    events.emit = (name: string | symbol, ...args: unknown[]): boolean => {
      if (name !== 'input' || typeof args[0] !== 'string') return emit.call(events, name, ...args);
      const step = gate.read(args[0]);
      if (step.pasted !== undefined) handlePaste(step.pasted, contextRef.current());
      const keys = step.keys === undefined ? [] : filter.read(step.keys);
      emitKeys(keys);
      // ink hands over every event of one read before the microtask runs: an `ESC ESC` with nothing after it in its
      // read was Escape typed twice.
      if (filter.holdsEscapes) queueMicrotask(() => emitKeys(filter.flush()));
      idle.input(gate.pasting || filter.waiting);
      return keys.length > 0;
    };
    return () => {
      events.emit = emit;
      idle.stop();
    };
  }, [events, gate, filter, isActive]);

  const onKey = useCallback((input: string, key: Key) => {
    // Each key of a chunk in order, each seeing the state the one before left (the refs handleKey reads).
    for (const [one, oneKey] of splitKeys(input, key)) handleKey(one, oneKey, contextRef.current());
  }, []);
  useInput(onKey, { isActive });
}

/** A key must never end land: what throws while ink or handleKey reads one is said in the status line instead. */
function emitKey(emit: () => void, context: () => KeyContext): void {
  try {
    emit();
  } catch (error) {
    context().say(`key ignored: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

/**
 * Calls `onIdle` once no input has come for INPUT_IDLE_MS while something begun waits for its end (a paste, a
 * string). The timer's callback looks again after the reads already waiting (setImmediate runs after the poll
 * phase): a loop blocked past the timer must not end a paste whose rest is already in the kernel's buffer.
 */
class IdleEnd {
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private inputs = 0;

  constructor(private readonly onIdle: () => void) {}

  input(waiting: boolean): void {
    this.inputs += 1;
    this.stop();
    if (!waiting) return;
    this.timer = setTimeout(() => {
      const seen = this.inputs;
      this.immediate = setImmediate(() => {
        if (this.inputs === seen) this.onIdle();
      });
    }, INPUT_IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
  }
}
