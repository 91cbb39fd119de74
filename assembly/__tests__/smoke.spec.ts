describe("smoke", () => {
  it("simd", () => {
    const p = heap.alloc(16);
    v128.store(p, f32x4.splat(2.0));
    expect<f32>(load<f32>(p + 8)).toBe(2.0);
    heap.free(p);
  });
});
