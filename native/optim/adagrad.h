// Adagrad (Duchi, Hazan and Singer 2011) with learning-rate decay, L2 weight decay and maximize,
// as PyTorch's torch.optim.Adagrad (dense gradients). The update rule is written once, in
// adagrad_update, and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct AdagradArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* sum;
  // Per tensor (each parameter has its own step count), computed by the host in double as
  // PyTorch does: clr = lr / (1 + (step - 1) * lr_decay).
  const double* clr;
  // Group scalars, as the host gave them (double); each is rounded to float once when broadcast.
  double eps, weight_decay;
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct AdagradConsts {
  V neg_clr, eps, weight_decay, grad_sign;
  bool l2;
};

template <class D>
AdagradConsts<typename D::Vec> adagrad_consts(const AdagradArgs& a, size_t t) {
  AdagradConsts<typename D::Vec> c;
  c.neg_clr = D::set(static_cast<float>(-a.clr[t]));
  c.eps = D::set(static_cast<float>(a.eps));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.l2 = a.weight_decay != 0.0;
  return c;
}

// The Adagrad update of one lane-vector of elements.
template <class V>
FO_HD void adagrad_update(V& param, V grad, V& sum, const AdagradConsts<V>& c) {
  V g = grad * c.grad_sign;                          // g = -grad when maximizing
  if (c.l2) g = mul_add(c.weight_decay, param, g);   // g += weight_decay * p
  sum = mul_add(g, g, sum);                          // sum += g^2
  V std = vsqrt(sum) + c.eps;                        // sqrt(sum) + eps
  param = mul_add(c.neg_clr, g / std, param);        // p -= clr g / std
}

// Elements [begin, end) of tensor t.
template <class D>
void adagrad_tensor(const AdagradArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const AdagradConsts<V> c = adagrad_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* s = a.sum[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V sum = D::load(s + i, mask);
    adagrad_update(param, D::load(g + i, mask), sum, c);
    D::store(p + i, param, mask);
    D::store(s + i, sum, mask);
  });
}

}  // namespace fastoptim
