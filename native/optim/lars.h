// LARS (You et al. 2017, "Large Batch Training of Convolutional Networks", Algorithm 1): SGD
// with momentum whose step is scaled per tensor by the local learning rate
// trust_coefficient * ||p|| / (||g|| + weight_decay * ||p|| + eps), with Nesterov momentum and
// maximize, and per-tensor exclusion (biases and norms: no weight decay, no scaling). The
// momentum follows PyTorch's SGD (b = momentum b + d, p -= lr b). The norms are computed here,
// in double, in the same call: pass 1 over a tensor reduces ||p||^2 and ||g||^2 (per
// fixed-size block, optim/reduce.h), pass 2 applies the scaled step. The per-element rule is
// written once, in lars_update, and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include <cmath>

#include "engine/parallel.h"
#include "optim/common.h"
#include "optim/reduce.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct LarsArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* momentum_buffer;  // null when momentum == 0 (a new buffer is all zeros)
  // Per tensor: 1 to exclude the tensor from weight decay and from the trust ratio (a bias or a
  // normalization scale), 0 to adapt it.
  const uint8_t* exclude;
  // Group scalars, as the host gave them (double); each is rounded to float once when broadcast.
  double lr, momentum, weight_decay, trust_coefficient, eps;
  bool nesterov, maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct LarsConsts {
  V neg_lr, momentum, weight_decay, trust, grad_sign;
  bool use_momentum, nesterov, decay;
};

template <class D>
LarsConsts<typename D::Vec> lars_consts(const LarsArgs& a, size_t t, double trust) {
  const bool excluded = a.exclude[t] != 0;
  LarsConsts<typename D::Vec> c;
  c.neg_lr = D::set(static_cast<float>(-a.lr));
  c.momentum = D::set(static_cast<float>(a.momentum));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.trust = D::set(static_cast<float>(trust));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.use_momentum = a.momentum != 0.0;
  c.nesterov = a.nesterov;
  c.decay = !excluded && a.weight_decay != 0.0;
  return c;
}

// The LARS update of one lane-vector of elements.
template <class V>
FO_HD void lars_update(V& param, V grad, V& buf, const LarsConsts<V>& c) {
  V d = grad * c.grad_sign;                                      // g = -grad when maximizing
  if (c.decay) d = mul_add(c.weight_decay, param, d);            // g + weight_decay * p
  d = d * c.trust;                                               // d = local_lr (g + wd p)
  if (c.use_momentum) {
    buf = mul_add(buf, c.momentum, d);                           // b = momentum b + d
    d = c.nesterov ? mul_add(c.momentum, buf, d) : buf;          // nesterov: d + momentum b
  }
  param = mul_add(c.neg_lr, d, param);                           // p -= lr d
}

// The local learning rate (trust ratio) from the sums of squares, 1 when either norm is 0. A
// NaN norm (a NaN in the tensor) gives a NaN rate: the whole tensor becomes NaN rather than
// taking a silently rescaled step.
inline double lars_trust_ratio(double param_sq, double grad_sq, double weight_decay,
                               double trust_coefficient, double eps) {
  if (param_sq == 0.0 || grad_sq == 0.0) return 1.0;
  const double param_norm = std::sqrt(param_sq), grad_norm = std::sqrt(grad_sq);
  return trust_coefficient * param_norm / (grad_norm + weight_decay * param_norm + eps);
}

// Pass 1 over elements [begin, end) of tensor t: the partial sums of p^2 and g^2.
template <class D>
SumSq2 lars_norms_range(const LarsArgs& a, size_t t, size_t begin, size_t end) {
  const float* p = a.params[t];
  const float* g = a.grads[t];
  typename D::Acc param_sq = D::acc_zero(), grad_sq = D::acc_zero();
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    param_sq = D::acc_add_sq(param_sq, D::load(p + i, mask));  // inactive lanes load as 0
    grad_sq = D::acc_add_sq(grad_sq, D::load(g + i, mask));
  });
  return {D::acc_sum(param_sq), D::acc_sum(grad_sq)};
}

// Pass 2 over elements [begin, end) of tensor t, with its trust ratio.
template <class D>
void lars_apply_range(const LarsArgs& a, size_t t, size_t begin, size_t end, double trust) {
  using V = typename D::Vec;
  const LarsConsts<V> c = lars_consts<D>(a, t, trust);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* b = c.use_momentum ? a.momentum_buffer[t] : nullptr;
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V buf = b ? D::load(b + i, mask) : D::set(0.0f);
    lars_update(param, D::load(g + i, mask), buf, c);
    D::store(p + i, param, mask);
    if (b) D::store(b + i, buf, mask);
  });
}

// The whole group, on the thread engine (engine/parallel.h): the norms of every block of every
// tensor not excluded (block partials summed in order, so the bits do not depend on the thread
// count), each tensor's trust ratio (1 when excluded), then the steps.
template <class D>
void lars_group(const LarsArgs& a) {
  double* trust = tensor_scratch(a.num_tensors);
  parallel_sum_sq2(
      a.num_tensors, a.numel,
      [&](size_t t, size_t begin, size_t end) { return a.exclude[t] ? SumSq2{} : lars_norms_range<D>(a, t, begin, end); },
      [&](size_t t, SumSq2 s) {
        trust[t] = a.exclude[t] ? 1.0 : lars_trust_ratio(s.first, s.second, a.weight_decay, a.trust_coefficient, a.eps);
      });
  parallel_ranges(a.num_tensors, a.numel, [&](size_t t, size_t begin, size_t end) { lars_apply_range<D>(a, t, begin, end, trust[t]); });
}

}  // namespace fastoptim
