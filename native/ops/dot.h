// Per-tensor dot products x[t] . y[t] (LBFGS's curvature pairs and directions): each product
// of two floats is exact in double, and the sum is accumulated in double, in fixed blocks
// summed in order (engine/parallel.h): the same result on any number of threads.
#pragma once

#include "engine/parallel.h"
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
  parallel_reduce<1>(
      a.num_tensors, a.numel,
      [&](size_t t, size_t begin, size_t end, double* out) {
        const float* x = a.x[t];
        const float* y = a.y[t];
        typename D::Acc acc = D::acc_zero();
        for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
          acc = D::acc_add_prod(acc, D::load(x + i, mask), D::load(y + i, mask));
        });
        out[0] = D::acc_sum(acc);
      },
      [](double* acc, const double* part) { acc[0] += part[0]; },
      [&](size_t t, const double* acc) { a.out[t] = acc[0]; });
}

}  // namespace fastoptim
