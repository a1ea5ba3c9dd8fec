// Per-tensor reductions in fixed-size blocks, for the optimizers whose step needs a norm of the
// tensor it updates (LAMB, LARS, Adafactor). A tensor's sums are the in-order total of its
// blocks' partial sums, each block reduced by one call of a per-range function over
// [begin, end) with the lane types' double accumulators (D::Acc, D::acc_add_sq, D::acc_sum).
// A thread pool may reduce the blocks in parallel and add the partials in the same order:
// the result is then the same bits for any thread count, and the same as this serial loop.
#pragma once

#include <algorithm>
#include <cstddef>

#include "engine/pool.h"  // kReduceBlock: elements per block, a multiple of every lane count

namespace fastoptim {

// Two sums of squares reduced in one pass (LAMB: ||p||^2 and ||u||^2; LARS: ||p||^2, ||g||^2).
struct SumSq2 {
  double first = 0.0, second = 0.0;
  SumSq2& operator+=(const SumSq2& o) {
    first += o.first;
    second += o.second;
    return *this;
  }
};

// reduce_range(begin, end) -> Partial over each block of `block` indices of [0, n) (elements,
// or rows of a matrix), summed in block order.
template <class Partial, class Reduce>
Partial reduce_blocks(size_t n, Reduce&& reduce_range, size_t block = kReduceBlock) {
  Partial total{};
  for (size_t begin = 0; begin < n; begin += block)
    total += reduce_range(begin, std::min(n, begin + block));
  return total;
}

}  // namespace fastoptim
