// The few `expect` matchers the shared test helpers use, for running them in
// a page (the browser tests bundle test/helpers and the case tables with
// 'vitest' mapped here). A failed expectation throws an Error with the message.

type Matcher = RegExp | string | (abstract new (...args: never[]) => unknown);

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const show = (v: unknown) => {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
};

function matches(err: unknown, m?: Matcher): boolean {
  if (m === undefined) return true;
  if (typeof m === 'function') return err instanceof m;
  const msg = err instanceof Error ? err.message : String(err);
  return typeof m === 'string' ? msg.includes(m) : m.test(msg);
}

function fail(message: string): never {
  throw new Error(message);
}

export function expect(actual: unknown, what = '') {
  const prefix = what ? `${what}: ` : '';
  return {
    toBe(expected: unknown) {
      if (!Object.is(actual, expected)) fail(`${prefix}expected ${show(actual)} to be ${show(expected)}`);
    },
    toEqual(expected: unknown) {
      if (!same(actual, expected)) fail(`${prefix}expected ${show(actual)} to equal ${show(expected)}`);
    },
    toBeDefined() {
      if (actual === undefined) fail(`${prefix}expected a value`);
    },
    toThrow(m?: Matcher) {
      try {
        (actual as () => unknown)();
      } catch (e) {
        if (!matches(e, m)) fail(`${prefix}threw ${String(e)}, expected ${String(m)}`);
        return;
      }
      fail(`${prefix}expected a throw (${String(m)})`);
    },
    rejects: {
      async toThrow(m?: Matcher) {
        try {
          await actual;
        } catch (e) {
          if (!matches(e, m)) fail(`${prefix}rejected with ${String(e)}, expected ${String(m)}`);
          return;
        }
        fail(`${prefix}expected a rejection (${String(m)})`);
      },
    },
    resolves: {
      async toBeDefined() {
        if ((await actual) === undefined) fail(`${prefix}expected a value`);
      },
    },
  };
}
expect.fail = fail;
