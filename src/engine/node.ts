// A recorded op in the autodiff graph. Defined fully by the tape (engine/tape.ts);
// the Tensor only needs to know that it may point at one.
export interface GradNode {
  /** The op's name, as registered with its gradient rule. */
  readonly op: string;
  /** Drops one reference (a tensor that pointed at this node went away). */
  release(): void;
}
