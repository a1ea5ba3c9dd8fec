// How a kernel of kernels.def runs on the thread engine (engine/pool.h), in one place:
//
// - run_elementwise<Args, name_tensor<D>>: the group runner of every elementwise kernel (all
//   the optimizers): name_tensor(args, t, begin, end) over (tensor, begin, end) chunks that
//   split the group's elements across the threads. instantiate.inc uses it for each
//   FO_KERNEL line, so a new optimizer gets threads by defining name_tensor, nothing more.
// - parallel_reduce<K>: for kernels that reduce (norms, dot; LAMB/LARS-style trust ratios),
//   which define their own name_group with it (FO_KERNEL_GROUP lines): K doubles per fixed
//   block, combined per tensor in block order, so the result is the same on any thread count.
#pragma once

#include <cstddef>

#include "engine/pool.h"

namespace fastoptim {

// f(t, begin, end) over every element of every tensor, split across the threads (an update
// phase of a kernel that reduces first, such as LAMB's).
template <class F>
void parallel_ranges(size_t num_tensors, const size_t* numel, const F& f) {
  parallel_for_chunks(
      num_tensors, numel,
      [](const void* ctx, size_t t, size_t begin, size_t end) { (*static_cast<const F*>(ctx))(t, begin, end); }, &f);
}

template <class Args, void (*Tensor)(const Args&, size_t, size_t, size_t)>
void run_elementwise(const Args& a) {
  parallel_for_chunks(
      a.num_tensors, a.numel,
      [](const void* ctx, size_t t, size_t begin, size_t end) { Tensor(*static_cast<const Args*>(ctx), t, begin, end); },
      &a);
}

// Reduces every tensor of a group: partial(t, begin, end, double out[K]) computes one block's
// K partial results; the blocks of tensor t are folded in order, combine(double acc[K], const
// double part[K]) folding each next block into the first block's values; then finish(t, const
// double acc[K]) receives the tensor's result. partial may run on any thread; combine and
// finish run on the calling thread.
template <size_t K, class Partial, class Combine, class Finish>
void parallel_reduce(size_t num_tensors, const size_t* numel, const Partial& partial, const Combine& combine,
                     const Finish& finish) {
  size_t num_blocks = 0;
  for (size_t t = 0; t < num_tensors; ++t) num_blocks += blocks_of(numel[t]);
  double* parts = reduce_scratch(num_blocks * K);
  parallel_for_blocks(
      num_tensors, numel, K,
      [](const void* ctx, size_t t, size_t begin, size_t end, double* out) {
        (*static_cast<const Partial*>(ctx))(t, begin, end, out);
      },
      &partial, parts);
  const double* part = parts;
  for (size_t t = 0; t < num_tensors; ++t) {
    double acc[K];
    for (size_t k = 0; k < K; ++k) acc[k] = part[k];
    part += K;
    for (size_t j = 1; j < blocks_of(numel[t]); ++j, part += K) combine(acc, part);
    finish(t, static_cast<const double*>(acc));
  }
}

}  // namespace fastoptim
