// The STREAM triad, a[i] = b[i] + scalar * c[i]: not an optimizer but the memory-bandwidth probe
// the benchmark divides by. It goes through the same lane types and loop as the update rules,
// so a ratio (optimizer bytes per second / triad bytes per second) compares like with like.
#pragma once

#include "optim/common.h"

namespace fastoptim {

struct TriadArgs {
  size_t numel;
  float* a;
  const float* b;
  const float* c;
  double scalar;
};

template <class D>
void triad_span(const TriadArgs& args, size_t begin, size_t end) {
  using V = typename D::Vec;
  const V s = D::set(static_cast<float>(args.scalar));
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    D::store(args.a + i, mul_add(s, D::load(args.c + i, mask), D::load(args.b + i, mask)), mask);
  });
}

template <class D>
void triad_group(const TriadArgs& args) {
  triad_span<D>(args, 0, args.numel);
}

}  // namespace fastoptim
