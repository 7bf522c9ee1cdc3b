import { describe, expect, it } from 'vitest';
// ink's own key parser (not exported by the package): the filter's table must name what it names.
import parseKeypress from '../../node_modules/ink/build/parse-keypress.js';
import { isNamedKey, KeyFilter } from '../../src/tui/key-filter.js';

const ESC = '\u001B';

describe('isNamedKey', () => {
  it("passes exactly the CSI and SS3 sequences ink's parse-keypress names", () => {
    const letters = Array.from({ length: 0x3f }, (_, i) => String.fromCharCode(0x40 + i));
    const sequences = [
      ...letters.flatMap((l) => [`${ESC}[${l}`, `${ESC}[1;5${l}`, `${ESC}O${l}`, `${ESC}[[${l}`, `${ESC}${ESC}[${l}`]),
      ...Array.from({ length: 40 }, (_, n) => [`${ESC}[${n}~`, `${ESC}[${n};3~`, `${ESC}[${n}$`, `${ESC}[${n}^`, `${ESC}[[${n}~`]).flat(),
    ];
    for (const sequence of sequences) {
      const key = parseKeypress(sequence) as { name?: string; isKittyProtocol?: boolean };
      const named = typeof key.name === 'string' && key.name !== '' && !key.isKittyProtocol;
      expect(isNamedKey(sequence), JSON.stringify(sequence)).toBe(named);
    }
  });
});

describe('KeyFilter', () => {
  it('drops what is no key, joins what a read cut, and gives up on a string or sequence at end()', () => {
    const filter = new KeyFilter();
    expect(filter.read(`a${ESC}[31mb${ESC}[Ac`)).toEqual(['a', 'b', `${ESC}[A`, 'c']);
    expect(filter.read(`${ESC}[1;`)).toEqual([]);
    expect(filter.waiting).toBe(true);
    expect(filter.read('5Aj')).toEqual([`${ESC}[1;5A`, 'j']);
    expect(filter.read(`${ESC}]11;rgb:`)).toEqual([]);
    expect(filter.read('0/0/0q')).toEqual([]);
    expect(filter.read(`\u0007k`)).toEqual(['k']);
    expect(filter.read(`${ESC}Pq${ESC}`)).toEqual([]);
    expect(filter.read(`\\j`)).toEqual(['j']);
    expect(filter.read(`${ESC}q${ESC}[2\u0001q`)).toEqual(['\u0001q']);
    expect(filter.read(`${ESC}_no end`)).toEqual([]);
    filter.end();
    expect(filter.waiting).toBe(false);
    expect(filter.read('j')).toEqual(['j']);
    expect(filter.read(ESC)).toEqual([ESC]);
    expect(filter.read(`${ESC}${ESC}`)).toEqual([]);
    expect(filter.flush()).toEqual([`${ESC}${ESC}`]);
  });

  it('reads Escape typed as a terminal answer arrives in the same read as Escape, and drops the answer', () => {
    const filter = new KeyFilter();
    // ink cuts `ESC ESC]11;rgb:…BEL` after the second ESC: the string's text comes as the next event of the read.
    expect(filter.read(`${ESC}${ESC}`)).toEqual([]);
    expect(filter.holdsEscapes).toBe(true);
    expect(filter.read(']11;rgb:0000/0000/0000\u0007j')).toEqual([ESC, 'j']);
    expect(filter.flush()).toEqual([]);
    expect(filter.read(`${ESC}${ESC}`)).toEqual([]);
    expect(filter.read('P1$r0m')).toEqual([ESC]);
    expect(filter.read(`${ESC}\\k`)).toEqual(['k']);
    // A cursor report after Escape is one event for ink (Alt and a sequence it cannot name): Escape.
    expect(filter.read(`${ESC}${ESC}[12;40R`)).toEqual([ESC]);
    expect(filter.read(`${ESC}${ESC}[A`)).toEqual([`${ESC}${ESC}[A`]);
    // Escape twice, and a key after it in the same read: both Escapes, then the key.
    expect(filter.read(`${ESC}${ESC}`)).toEqual([]);
    expect(filter.read('j')).toEqual([`${ESC}${ESC}`, 'j']);
    expect(filter.read(`${ESC}${ESC}`)).toEqual([]);
    expect(filter.read(`${ESC}]0;x\u0007`)).toEqual([`${ESC}${ESC}`]);
    expect(filter.holdsEscapes).toBe(false);
  });
});
