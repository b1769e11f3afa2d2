// JSON as written, for the fuzz tests: a tree that keeps number literals and key spellings
// exactly (`0.0000`, `4111111111111111e0`, `"payment\u0054oken"`), can hold what JSON.parse
// would refuse, and is written back byte for byte. JSON.parse/stringify cannot do either.

export type Node =
  /** Written as is: a number literal, true/false/null, or any raw text (valid JSON or not). */
  | { t: 'lit'; raw: string }
  /** A string value, written with JSON.stringify (lone surrogates become \udXXX escapes). */
  | { t: 'str'; v: string }
  | { t: 'arr'; items: Node[] }
  /** Keys are raw JSON text including their quotes, so a key can be spelled with escapes. */
  | { t: 'obj'; entries: Entry[] };

export interface Entry {
  key: string;
  value: Node;
}

export const lit = (raw: string): Node => ({ t: 'lit', raw });
export const str = (v: string): Node => ({ t: 'str', v });
export const key = (name: string) => JSON.stringify(name);

/** The JSON text of a tree; iterative, since the fuzz nests thousands of levels deep. */
export function write(node: Node): string {
  const out: string[] = [];
  const todo: (Node | string)[] = [node];
  while (todo.length) {
    const item = todo.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    switch (item.t) {
      case 'lit':
        out.push(item.raw);
        break;
      case 'str':
        out.push(JSON.stringify(item.v));
        break;
      case 'arr': {
        const parts: (Node | string)[] = ['['];
        item.items.forEach((child, i) => parts.push(...(i ? [',', child] : [child])));
        parts.push(']');
        todo.push(...parts.reverse());
        break;
      }
      case 'obj': {
        const parts: (Node | string)[] = ['{'];
        item.entries.forEach((e, i) => parts.push(`${i ? ',' : ''}${e.key}:`, e.value));
        parts.push('}');
        todo.push(...parts.reverse());
        break;
      }
    }
  }
  return out.join('');
}

/** Parses valid JSON into a tree, keeping number literals and key spellings as written. */
export function parseTree(text: string): Node {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const stringEnd = (start: number) => {
    let j = start + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    return j + 1;
  };
  const value = (): Node => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: Entry[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', entries };
      }
      for (;;) {
        ws();
        const end = stringEnd(i);
        const k = text.slice(i, end);
        i = end;
        ws();
        i++; // ':'
        entries.push({ key: k, value: value() });
        ws();
        if (text[i++] === '}') return { t: 'obj', entries };
      }
    }
    if (c === '[') {
      i++;
      const items: Node[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items };
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i++] === ']') return { t: 'arr', items };
      }
    }
    if (c === '"') {
      const end = stringEnd(i);
      const v = JSON.parse(text.slice(i, end)) as string;
      i = end;
      return str(v);
    }
    const start = i;
    while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
    return lit(text.slice(start, i));
  };
  const root = value();
  return root;
}

export const clone = (n: Node): Node => structuredClone(n);

/** A place in the tree: an object entry, with the object that holds it. */
export interface Slot {
  parent: Extract<Node, { t: 'obj' }>;
  index: number;
  /** Dotted key names from the root (array indexes included); null past 32 levels. */
  dotted: string | null;
  /** Whether this entry's key, or a key above it, is one `isSecret` names. */
  secret: boolean;
}

/** Every object entry, depth first, in document order; iterative, for deep nesting. */
export function slots(root: Node, isSecret: (rawKey: string) => boolean = () => false): Slot[] {
  const out: Slot[] = [];
  const todo: { node: Node; dotted: string | null; depth: number; secret: boolean }[] = [{ node: root, dotted: '', depth: 0, secret: false }];
  const join = (dotted: string | null, part: string, depth: number) => (dotted === null || depth > 32 ? null : dotted ? `${dotted}.${part}` : part);
  while (todo.length) {
    const { node, dotted, depth, secret } = todo.pop()!;
    const children: typeof todo = [];
    if (node.t === 'obj') {
      node.entries.forEach((e, index) => {
        const slot = { parent: node, index, dotted: join(dotted, keyName(e.key), depth), secret: secret || isSecret(e.key) };
        out.push(slot);
        children.push({ node: e.value, dotted: slot.dotted, depth: depth + 1, secret: slot.secret });
      });
    } else if (node.t === 'arr') {
      node.items.forEach((item, index) => children.push({ node: item, dotted: join(dotted, String(index), depth), depth: depth + 1, secret }));
    }
    todo.push(...children.reverse());
  }
  // Order: the entries of one object together, then what lies below them; stable for a given tree.
  return out;
}

/** Every object in the tree, root first; iterative. */
export function objects(root: Node): Extract<Node, { t: 'obj' }>[] {
  const out: Extract<Node, { t: 'obj' }>[] = [];
  const todo: Node[] = [root];
  while (todo.length) {
    const n = todo.pop()!;
    if (n.t === 'obj') {
      out.push(n);
      todo.push(...n.entries.map((e) => e.value).reverse());
    } else if (n.t === 'arr') todo.push(...[...n.items].reverse());
  }
  return out;
}

/** A key's name once its escapes are read (the raw key is valid JSON text). */
export function keyName(raw: string): string {
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw;
  }
}

/** The entry at a dotted path of key names (`content.order.card`), or undefined. */
export function find(root: Node, path: string): Entry | undefined {
  let node: Node | undefined = root;
  let entry: Entry | undefined;
  for (const part of path.split('.')) {
    if (node?.t !== 'obj') return undefined;
    entry = [...node.entries].reverse().find((e) => keyName(e.key) === part);
    node = entry?.value;
  }
  return entry;
}

/** Sets the value at a dotted path, creating objects on the way; the last duplicate wins, as in JSON.parse. */
export function set(root: Node, path: string, value: Node): void {
  const parts = path.split('.');
  let node = root;
  for (const [n, part] of parts.entries()) {
    if (node.t !== 'obj') return;
    let entry = [...node.entries].reverse().find((e) => keyName(e.key) === part);
    if (n === parts.length - 1) {
      if (entry) entry.value = value;
      else node.entries.push({ key: key(part), value });
      return;
    }
    if (!entry || entry.value.t !== 'obj') {
      entry = { key: key(part), value: { t: 'obj', entries: [] } };
      node.entries.push(entry);
    }
    node = entry.value;
  }
}

/** Rewrites one character of a key as a \uXXXX escape: `"payment\u0054oken"`. */
export function escapeKeyChar(raw: string, pos: number, upper: boolean): string {
  const name = keyName(raw);
  if (!name) return raw;
  const at = pos % name.length;
  const hex = name.charCodeAt(at).toString(16).padStart(4, '0');
  const escaped = `\\u${upper ? hex.toUpperCase() : hex}`;
  return JSON.stringify(name.slice(0, at)).slice(0, -1) + escaped + JSON.stringify(name.slice(at + 1)).slice(1);
}
