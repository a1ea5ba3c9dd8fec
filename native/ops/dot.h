// Per-tensor dot products x[t] . y[t] (LBFGS's curvature pairs and directions): each product
// of two floats is exact in double, and the sum is accumulated in double.
#pragma once

#include "optim/common.h"

namespace fastoptim {

struct DotArgs {
  size_t num_tensors;
  const size_t* numel;
  const float* const* x;
  const float* const* y;
  double* out;  // per tensor, written
};

template <class D>
void dot_group(const DotArgs& a) {
  for (size_t t = 0; t < a.num_tensors; ++t) {
    const float* x = a.x[t];
    const float* y = a.y[t];
    typename D::Acc acc = D::acc_zero();
    for_each_vector<D>(0, a.numel[t], [&](size_t i, auto mask) {
      acc = D::acc_add_prod(acc, D::load(x + i, mask), D::load(y + i, mask));
    });
    a.out[t] = D::acc_sum(acc);
  }
}

}  // namespace fastoptim
