// Back-propagation as a walk over a computational graph (Deep Learning,
// section 6.5, algorithm 6.2), written out scalar by scalar like micrograd:
// each node records its op and inputs, each op has an explicit rule for its
// local derivatives, and the walk visits the nodes in reverse topological
// order, so that every consumer's gradient is final before it is used:
//   grad[u_j] = sum over consumers u_i of grad[u_i] * d u_i / d u_j.

/** Each op: its value from the inputs' values, and d(node)/d(input k) with the formula shown. */
const RULES = {
  add: { f: (a, b) => a + b, sym: (n) => `${n.inputs[0].name} + ${n.inputs[1].name}`, d: () => [1, '1'] },
  sub: { f: (a, b) => a - b, sym: (n) => `${n.inputs[0].name} − ${n.inputs[1].name}`, d: (_, k) => (k === 0 ? [1, '1'] : [-1, '-1']) },
  mul: {
    f: (a, b) => a * b,
    sym: (n) => `${n.inputs[0].name}·${n.inputs[1].name}`,
    // d(a·b)/da = b: the other factor's value.
    d: (n, k) => [n.inputs[1 - k].value, n.inputs[1 - k].name],
  },
  relu: { f: (a) => Math.max(0, a), sym: (n) => `relu(${n.inputs[0].name})`, d: (n) => [n.inputs[0].value > 0 ? 1 : 0, `[${n.inputs[0].name} > 0]`] },
  square: { f: (a) => a * a, sym: (n) => `${n.inputs[0].name}²`, d: (n) => [2 * n.inputs[0].value, `2${n.inputs[0].name}`] },
};

/** A scalar node of the graph: a leaf (op 'input') or the result of an op on earlier nodes. */
export class Node {
  constructor(name, op, inputs, value) {
    this.name = name;
    this.op = op;
    this.inputs = inputs;
    this.value = value;
    this.grad = 0;
  }
  get expr() {
    return this.op === 'input' ? 'input' : RULES[this.op].sym(this);
  }
  /** [value, formula] of d(this)/d(inputs[k]). */
  local(k) {
    return RULES[this.op].d(this, k);
  }
}

/** A small graph builder: g.input('x', 0.5), g.op('h', 'relu', a). */
export class Graph {
  nodes = [];
  input(name, value) {
    return this.#push(new Node(name, 'input', [], value));
  }
  op(name, op, ...inputs) {
    return this.#push(new Node(name, op, inputs, RULES[op].f(...inputs.map((n) => n.value))));
  }
  #push(n) {
    this.nodes.push(n);
    return n;
  }

  /** Nodes that `root` depends on, every node after its inputs (depth-first). */
  topological(root) {
    const order = [];
    const seen = new Set();
    const visit = (n) => {
      if (seen.has(n)) return;
      seen.add(n);
      n.inputs.forEach(visit);
      order.push(n);
    };
    visit(root);
    return order;
  }

  /**
   * Sets every node's .grad to d root / d node and returns the steps of the
   * walk: for each node (reverse topological order) the consumers' terms
   * grad[consumer] * d consumer / d node, and their sum.
   */
  backward(root) {
    const order = this.topological(root);
    const consumers = new Map(order.map((n) => [n, []]));
    for (const n of order) n.inputs.forEach((p, k) => consumers.get(p).push([n, k]));
    const steps = [];
    for (const n of [...order].reverse()) {
      if (n === root) {
        n.grad = 1;
        steps.push({ node: n, terms: [], grad: 1 });
        continue;
      }
      const terms = consumers.get(n).map(([c, k]) => {
        const [local, formula] = c.local(k);
        return { consumer: c, local, formula, product: c.grad * local };
      });
      n.grad = terms.reduce((s, t) => s + t.product, 0);
      steps.push({ node: n, terms, grad: n.grad });
    }
    return steps;
  }
}

const num = (v) => String(Number(v.toPrecision(4)));

/** One readable line per step: grad[h1] = grad[q1]·∂q1/∂h1 = 1.1 × v1 (1.5) = 1.65 */
export function describeStep({ node, terms, grad }) {
  if (!terms.length) return `grad[${node.name}] = 1 (the output)`;
  const symbolic = terms.map((t) => `grad[${t.consumer.name}]·∂${t.consumer.name}/∂${node.name}`).join(' + ');
  const numeric = terms.map((t) => `${num(t.consumer.grad)} × ${t.formula === num(t.local) ? num(t.local) : `${t.formula} (${num(t.local)})`}`).join(' + ');
  return `grad[${node.name}] = ${symbolic} = ${numeric} = ${num(grad)}`;
}

/** The graph as graphDiagram's nodes and edges: each box shows the node, its value and its gradient; edges carry local derivatives. */
export function diagramOf(graph, root) {
  const order = graph.topological(root);
  const nodes = order.map((n) => ({
    id: n.name,
    lines: [n.op === 'input' ? n.name : `${n.name} = ${n.expr}`, `value ${num(n.value)}`, `grad ${num(n.grad)}`],
    fill: n.op === 'input' ? '#fdf6e3' : n === root ? '#fde2e2' : '#eef4fb',
  }));
  const edges = order.flatMap((n) => n.inputs.map((p, k) => ({ from: p.name, to: n.name, label: num(n.local(k)[0]) })));
  return { nodes, edges };
}
