// Per-tensor norms of a list of tensors (gradient clipping, total norms, LAMB/LARS-style
// trust ratios): one pass over each tensor, accumulated in double, in fixed blocks of
// kReduceBlock elements whose partials are summed in order (engine/parallel.h), so the result
// is the same on any number of threads.
#pragma once

#include <cmath>

#include "engine/parallel.h"
#include "optim/common.h"

namespace fastoptim {

struct NormsArgs {
  size_t num_tensors;
  const size_t* numel;
  const float* const* tensors;
  double norm_type;  // p > 0, or infinity
  // Per tensor, written: sum |x|^p for finite p (so the host sums and takes the p-th root),
  // max |x| for p = infinity (NaN when the tensor holds a NaN, as torch.linalg.vector_norm).
  double* out;
};

// One block: sum |x|^p over x[0, n) for finite p, or for p = infinity max |x| (NaN if any is NaN).
template <class D>
double norm_block(const float* x, size_t n, double p) {
  using V = typename D::Vec;
  if (p == 2.0) {  // sum of squares, each squared in double
    typename D::Acc acc = D::acc_zero();
    for_each_vector<D>(0, n, [&](size_t i, auto mask) { acc = D::acc_add_sq(acc, D::load(x + i, mask)); });
    return D::acc_sum(acc);
  }
  if (p == 1.0) {  // sum of absolute values
    typename D::Acc acc = D::acc_zero();
    for_each_vector<D>(0, n, [&](size_t i, auto mask) { acc = D::acc_add(acc, vabs(D::load(x + i, mask))); });
    return D::acc_sum(acc);
  }
  if (std::isinf(p)) {  // largest absolute value; NaN if any element is NaN
    const V zero = D::set(0.0f), one = D::set(1.0f);
    V largest = zero;
    typename D::Acc nans = D::acc_zero();
    for_each_vector<D>(0, n, [&](size_t i, auto mask) {
      const V v = D::load(x + i, mask);  // inactive tail lanes read as 0
      const V magnitude = vabs(v);
      largest = select(gt(magnitude, largest), magnitude, largest);
      nans = D::acc_add(nans, select(ge(v, v), zero, one));  // v >= v fails only for NaN
    });
    return D::acc_sum(nans) > 0 ? NAN : static_cast<double>(D::reduce_max(largest));
  }
  // Any other p: no vector pow; one element at a time, in double.
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) sum += std::pow(std::fabs(static_cast<double>(x[i])), p);
  return sum;
}

template <class D>
void norms_group(const NormsArgs& a) {
  const bool inf = std::isinf(a.norm_type);
  parallel_reduce<1>(
      a.num_tensors, a.numel,
      [&](size_t t, size_t begin, size_t end, double* out) { out[0] = norm_block<D>(a.tensors[t] + begin, end - begin, a.norm_type); },
      [&](double* acc, const double* part) {
        // Infinity: the larger, NaN if either is (x != x only for NaN); otherwise the sum.
        acc[0] = !inf ? acc[0] + part[0] : (acc[0] != acc[0] || part[0] != part[0]) ? NAN : std::fmax(acc[0], part[0]);
      },
      [&](size_t t, const double* acc) { a.out[t] = acc[0]; });
}

}  // namespace fastoptim
