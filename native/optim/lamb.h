// LAMB (You et al. 2019, "Large Batch Optimization for Deep Learning: Training BERT in 76
// minutes", Algorithm 2): Adam's moments with optional bias correction, the weight decay added
// to the Adam direction, and a per-tensor trust ratio ||p|| / ||u|| scaling the step. The norms
// are computed here, in double, in the same call: pass 1 over a tensor updates the moments and
// reduces ||p||^2 and ||u||^2 (per fixed-size block, optim/reduce.h), pass 2 recomputes u from
// the stored moments and applies the trust-scaled step. The per-element rule is written once
// (lamb_moments, lamb_direction) and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include <algorithm>
#include <cmath>

#include "engine/parallel.h"
#include "optim/adam_moments.h"
#include "optim/reduce.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct LambArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* exp_avg;
  float* const* exp_avg_sq;
  // Per tensor (each parameter has its own step count), computed by the host in double:
  // 1 - beta1^step and sqrt(1 - beta2^step), or 1 and 1 without bias correction.
  const double* bias_correction1;
  const double* bias_correction2_sqrt;
  // Group scalars, as the host gave them (double); 1 - beta is taken in double, and each value
  // is rounded to float once when it is broadcast.
  double lr, beta1, beta2, eps, weight_decay;
  double max_trust_ratio;  // the trust ratio is clamped to at most this (infinity: no clamp)
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct LambConsts {
  MomentConsts<V> moments;
  V eps, weight_decay, bias_correction1, bias_correction2_sqrt, grad_sign;
  bool decay;
};

template <class D>
LambConsts<typename D::Vec> lamb_consts(const LambArgs& a, size_t t) {
  LambConsts<typename D::Vec> c;
  c.moments = moment_consts<D>(a.beta1, a.beta2);
  c.eps = D::set(static_cast<float>(a.eps));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.bias_correction1 = D::set(static_cast<float>(a.bias_correction1[t]));
  c.bias_correction2_sqrt = D::set(static_cast<float>(a.bias_correction2_sqrt[t]));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.decay = a.weight_decay != 0.0;
  return c;
}

// Adam's moments of one lane-vector of elements.
template <class V>
FO_HD void lamb_moments(V grad, V& exp_avg, V& exp_avg_sq, const LambConsts<V>& c) {
  adam_moments(grad * c.grad_sign, exp_avg, exp_avg_sq, c.moments);  // g = -grad when maximizing
}

// The direction u of one lane-vector, from the moments (the trust ratio scales it).
template <class V>
FO_HD V lamb_direction(V param, V exp_avg, V exp_avg_sq, const LambConsts<V>& c) {
  V denom = vsqrt(exp_avg_sq) / c.bias_correction2_sqrt + c.eps;   // sqrt(v / (1 - beta2^t)) + eps
  V r = exp_avg / c.bias_correction1 / denom;                      // r = m / (1 - beta1^t) / denom
  return c.decay ? mul_add(c.weight_decay, param, r) : r;          // u = r + weight_decay * p
}

// The trust ratio ||p|| / ||u|| from the sums of squares, 1 when either norm is 0, then clamped
// to max_trust_ratio. A NaN norm (a NaN in the tensor) gives a NaN ratio: the whole tensor
// becomes NaN rather than taking a silently rescaled step.
inline double lamb_trust_ratio(double param_sq, double update_sq, double max_trust_ratio) {
  const double ratio = param_sq == 0.0 || update_sq == 0.0 ? 1.0 : std::sqrt(param_sq) / std::sqrt(update_sq);
  return std::min(ratio, max_trust_ratio);  // keeps a NaN ratio
}

// Pass 1 over elements [begin, end) of tensor t: updates the moments, returns the partial sums
// of p^2 and u^2.
template <class D>
SumSq2 lamb_moments_range(const LambArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const LambConsts<V> c = lamb_consts<D>(a, t);
  const float* p = a.params[t];
  const float* g = a.grads[t];
  float* m = a.exp_avg[t];
  float* v = a.exp_avg_sq[t];
  typename D::Acc param_sq = D::acc_zero(), update_sq = D::acc_zero();
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    const V param = D::load(p + i, mask);
    V exp_avg = D::load(m + i, mask);
    V exp_avg_sq = D::load(v + i, mask);
    lamb_moments(D::load(g + i, mask), exp_avg, exp_avg_sq, c);
    D::store(m + i, exp_avg, mask);
    D::store(v + i, exp_avg_sq, mask);
    param_sq = D::acc_add_sq(param_sq, param);  // inactive lanes load as 0
    // Inactive lanes give 0 / eps, NaN when eps is 0: zeroed before they are summed.
    update_sq = D::acc_add_sq(update_sq, D::keep(lamb_direction(param, exp_avg, exp_avg_sq, c), mask));
  });
  return {D::acc_sum(param_sq), D::acc_sum(update_sq)};
}

// Pass 2 over elements [begin, end) of tensor t: p += neg_step * u, u recomputed from the
// stored moments exactly as pass 1 computed it (neg_step = -lr * trust ratio).
template <class D>
void lamb_apply_range(const LambArgs& a, size_t t, size_t begin, size_t end, double neg_step) {
  using V = typename D::Vec;
  const LambConsts<V> c = lamb_consts<D>(a, t);
  const V step = D::set(static_cast<float>(neg_step));
  float* p = a.params[t];
  const float* m = a.exp_avg[t];
  const float* v = a.exp_avg_sq[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    const V param = D::load(p + i, mask);
    const V u = lamb_direction(param, D::load(m + i, mask), D::load(v + i, mask), c);
    D::store(p + i, mul_add(step, u, param), mask);                // p -= lr * trust * u
  });
}

// The whole group, on the thread engine (engine/parallel.h): the moments and norms of every
// block of every tensor (block partials summed in order, so the bits do not depend on the
// thread count), each tensor's trust ratio, then the steps.
template <class D>
void lamb_group(const LambArgs& a) {
  double* neg_step = tensor_scratch(a.num_tensors);
  parallel_sum_sq2(
      a.num_tensors, a.numel, [&](size_t t, size_t begin, size_t end) { return lamb_moments_range<D>(a, t, begin, end); },
      [&](size_t t, SumSq2 s) { neg_step[t] = -a.lr * lamb_trust_ratio(s.first, s.second, a.max_trust_ratio); });
  parallel_ranges(a.num_tensors, a.numel, [&](size_t t, size_t begin, size_t end) { lamb_apply_range<D>(a, t, begin, end, neg_step[t]); });
}

}  // namespace fastoptim
