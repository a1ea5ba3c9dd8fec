// The STREAM triad, a[i] = b[i] + scalar * c[i]: not an optimizer but the memory-bandwidth probe
// the benchmark divides by. It goes through the same lane types, loop and thread engine as the
// update rules, so a ratio (optimizer bytes per second / triad bytes per second) compares like
// with like, at the same thread count.
#pragma once

#include "optim/common.h"

namespace fastoptim {

struct TriadArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* a;
  const float* const* b;
  const float* const* c;
  double scalar;
};

template <class D>
void triad_tensor(const TriadArgs& args, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const V s = D::set(static_cast<float>(args.scalar));
  float* a = args.a[t];
  const float* b = args.b[t];
  const float* c = args.c[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    D::store(a + i, mul_add(s, D::load(c + i, mask), D::load(b + i, mask)), mask);
  });
}

}  // namespace fastoptim
