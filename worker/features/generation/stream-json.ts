/**
 * Incremental parsing of the model's streamed JSON answer, so a generation can send each section
 * to the owner as soon as it is complete (docs/GENERATION.md, the flow). Fed the text chunks of
 * a TextProvider stream, it calls back with every COMPLETE element at the given array paths
 * (`$.sections.*`, `$.pages.*.sections.*`, …) the moment its closing bracket arrives, and `end()`
 * returns the whole value. Built on @streamparser/json: one pass over the text (a 20 KB answer
 * costs well under a millisecond), where re-parsing the growing prefix after every chunk, as
 * partial-json-style parsers need, grows with the square of the answer.
 *
 * Invalid JSON (a model that broke the format, a stream cut by `length`) is one JsonStreamError,
 * thrown by the `write` that meets it or by `end()`; the caller counts it and may repair or refund.
 *
 * @example
 * const json = createJsonStream({ paths: ['$.pages.*.sections.*'], onElement: ({ path, value }) => send(path, value) });
 * for await (const event of provider.stream(request)) if (event.type === 'text') json.write(event.text);
 * const site = json.end();
 */
import { JSONParser } from '@streamparser/json';

/** Where an element sits: `['pages', 0, 'sections', 2]` for `$.pages[0].sections[2]`. */
export type JsonPath = Array<string | number>;

export interface JsonElement {
  path: JsonPath;
  /** The parsed element; it is also part of the value `end()` returns (do not change it). */
  value: unknown;
}

export interface JsonStreamOptions {
  /** JSONPath-like selectors: `$`, `.name` steps and `*` wildcards, e.g. `$.sections.*`. */
  paths: string[];
  /** Called once per complete element, in document order, inside the `write` that completed it. */
  onElement: (element: JsonElement) => void;
}

export interface JsonStream {
  /** Feeds the next text chunk. @throws JsonStreamError when the text is not JSON. */
  write(text: string): void;
  /** The whole value. @throws JsonStreamError when the text ended before the value did (or was not JSON). */
  end(): unknown;
}

export class JsonStreamError extends Error {
  override readonly name = 'JsonStreamError';
  constructor(
    message: string,
    /** Characters received before the chunk in which it failed. */
    readonly at: number,
  ) {
    super(message);
  }
}

const PATH = /^\$(\.([A-Za-z0-9_-]+|\*))*$/;

export function createJsonStream(options: JsonStreamOptions): JsonStream {
  for (const path of options.paths) if (!PATH.test(path)) throw new TypeError(`unsupported path ${path}`);
  const wanted = new Set(options.paths);
  const parser = new JSONParser({ paths: [...new Set([...options.paths, '$'])], keepStack: true });
  let root: { value: unknown } | undefined;
  let failure: JsonStreamError | undefined;
  let received = 0;

  parser.onValue = ({ value, key, stack }) => {
    if (stack.length === 0) {
      root = { value };
      if (!wanted.has('$')) return;
    }
    const path: JsonPath =
      stack.length === 0 ? [] : [...stack.slice(1).map((entry) => entry.key as string | number), key as string | number];
    options.onElement({ path, value });
  };
  // Parse errors come here instead of being thrown from inside the tokenizer. The library's message
  // quotes the text, which is the owner's business copy: only the position is kept.
  parser.onError = () => {
    failure ??= new JsonStreamError(`not JSON (after ${received} characters)`, received);
  };
  // The parser ends itself after the root value; text after it is an error, whitespace is not.
  parser.onEnd = () => {};

  return {
    write(text: string) {
      if (failure) throw failure;
      if (root && parser.isEnded) {
        if (text.trim()) failure = new JsonStreamError('text after the JSON value', received);
      } else {
        parser.write(text);
      }
      received += text.length;
      if (failure) throw failure;
    },
    end() {
      if (failure) throw failure;
      // A number at the very end is only known to be complete once the text is over.
      if (!root && !parser.isEnded) parser.end();
      if (failure) throw failure;
      if (!root) throw new JsonStreamError('the JSON value is incomplete', received);
      return root.value;
    },
  };
}
