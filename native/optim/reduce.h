// Per-tensor reductions in fixed-size blocks, for the optimizers whose step needs a norm of the
// tensor it updates (LAMB, LARS, Adafactor). A tensor's sums are the in-order total of its
// blocks' partial sums, each block reduced by one call of a per-range function over
// [begin, end) with the lane types' double accumulators (D::Acc, D::acc_add_sq, D::acc_sum).
// The thread engine reduces the blocks in parallel and adds the partials in block order
// (engine/parallel.h, parallel_reduce): the result is the same bits for any thread count.
#pragma once

#include <cstddef>

#include "engine/parallel.h"

namespace fastoptim {

// Two sums of squares reduced in one pass (LAMB: ||p||^2 and ||u||^2; LARS: ||p||^2, ||g||^2;
// Adafactor: ||p||^2 and ||u||^2).
struct SumSq2 {
  double first = 0.0, second = 0.0;
};

// Each tensor's two sums of squares on the thread engine: partial(t, begin, end) -> SumSq2 over
// one block of tensor t, finish(t, SumSq2) with the tensor's totals (the blocks' partials added
// in block order, on the calling thread).
template <class Partial, class Finish>
void parallel_sum_sq2(size_t num_tensors, const size_t* numel, const Partial& partial, const Finish& finish) {
  parallel_reduce<2>(
      num_tensors, numel,
      [&](size_t t, size_t begin, size_t end, double* out) {
        const SumSq2 s = partial(t, begin, end);
        out[0] = s.first;
        out[1] = s.second;
      },
      [](double* acc, const double* part) {
        acc[0] += part[0];
        acc[1] += part[1];
      },
      [&](size_t t, const double* acc) { finish(t, SumSq2{acc[0], acc[1]}); });
}

}  // namespace fastoptim
