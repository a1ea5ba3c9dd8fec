// Lion, "EvoLved Sign Momentum" (Chen et al. 2023, "Symbolic Discovery of Optimization
// Algorithms", Algorithm 2), with decoupled weight decay and maximize. The update is the sign of
// an interpolation between the momentum and the gradient; the momentum is updated afterwards with
// its own coefficient. The rule is written once, in lion_update, and instantiated for float
// (scalar, CUDA) and every lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct LionArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* exp_avg;
  // Group scalars, as the host gave them (double); 1 - beta is taken in double, and each value
  // is rounded to float once when it is broadcast.
  double lr, beta1, beta2;
  double decay;  // decoupled weight decay factor 1 - lr * weight_decay (1 without decay)
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct LionConsts {
  V neg_lr, beta1, one_minus_beta1, beta2, one_minus_beta2, decay, grad_sign;
  bool decoupled;
};

template <class D>
LionConsts<typename D::Vec> lion_consts(const LionArgs& a, size_t) {
  LionConsts<typename D::Vec> c;
  c.neg_lr = D::set(static_cast<float>(-a.lr));
  c.beta1 = D::set(static_cast<float>(a.beta1));
  c.one_minus_beta1 = D::set(static_cast<float>(1.0 - a.beta1));
  c.beta2 = D::set(static_cast<float>(a.beta2));
  c.one_minus_beta2 = D::set(static_cast<float>(1.0 - a.beta2));
  c.decay = D::set(static_cast<float>(a.decay));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.decoupled = a.decay != 1.0;
  return c;
}

// The Lion update of one lane-vector of elements. No mul_add on purpose: the step is the sign of
// c, which flips where c is near 0, so c and m are computed with separately rounded products and
// sums (plain IEEE float operations, the same with or without FMA hardware, and reproduced
// exactly by the JS oracle). The parameter update adds +-lr or 0, an exact product, so it may
// fuse. Every path then gives the same bits.
template <class V>
FO_HD void lion_update(V& param, V grad, V& exp_avg, const LionConsts<V>& c) {
  V g = grad * c.grad_sign;                                          // g = -grad when maximizing
  V direction = exp_avg * c.beta1 + c.one_minus_beta1 * g;           // c = beta1 m + (1 - beta1) g
  if (c.decoupled) param = param * c.decay;                          // p *= 1 - lr * wd
  param = mul_add(c.neg_lr, vsign(direction), param);               // p -= lr sign(c)
  exp_avg = exp_avg * c.beta2 + c.one_minus_beta2 * g;               // m = beta2 m + (1 - beta2) g
}

// Elements [begin, end) of tensor t.
template <class D>
void lion_tensor(const LionArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const LionConsts<V> c = lion_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* m = a.exp_avg[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V exp_avg = D::load(m + i, mask);
    lion_update(param, D::load(g + i, mask), exp_avg, c);
    D::store(p + i, param, mask);
    D::store(m + i, exp_avg, mask);
  });
}

}  // namespace fastoptim
