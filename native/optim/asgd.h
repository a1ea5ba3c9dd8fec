// ASGD, averaged stochastic gradient descent (Polyak and Juditsky 1992) with the step-size
// schedule of Bottou 2012, with L2 weight decay and maximize, as PyTorch's torch.optim.ASGD.
// The step size eta and the averaging weight mu are per-tensor scalars the host keeps; the
// update rule is written once, in asgd_update, and instantiated for float (scalar, CUDA) and
// every lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct AsgdArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* ax;  // the running average of the parameter
  // Per tensor (each parameter has its own step count), the host's state before this step:
  // eta = lr / (1 + lambd lr t)^alpha and mu = 1 / max(1, t - t0) of the previous step t
  // (lr and 1 at the first step). mu == 1 means ax is a copy of the parameter.
  const double* eta;
  const double* mu;
  // Group scalars, as the host gave them (double); each is rounded to float once when broadcast.
  double lambd, weight_decay;
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct AsgdConsts {
  V decay, neg_eta, mu, weight_decay, grad_sign;
  bool l2, copy;
};

template <class D>
AsgdConsts<typename D::Vec> asgd_consts(const AsgdArgs& a, size_t t) {
  AsgdConsts<typename D::Vec> c;
  c.decay = D::set(static_cast<float>(1.0 - a.lambd * a.eta[t]));
  c.neg_eta = D::set(static_cast<float>(-a.eta[t]));
  c.mu = D::set(static_cast<float>(a.mu[t]));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.l2 = a.weight_decay != 0.0;
  c.copy = a.mu[t] == 1.0;
  return c;
}

// The ASGD update of one lane-vector of elements.
template <class V>
FO_HD void asgd_update(V& param, V grad, V& ax, const AsgdConsts<V>& c) {
  V g = grad * c.grad_sign;                                        // g = -grad when maximizing
  if (c.l2) g = mul_add(c.weight_decay, param, g);                 // g += weight_decay * p
  param = param * c.decay;                                         // p *= 1 - lambd * eta
  param = mul_add(c.neg_eta, g, param);                            // p -= eta * g
  ax = c.copy ? param                                              // mu = 1: ax = p
              : mul_add(param - ax, c.mu, ax);                     // ax += mu (p - ax)
}

// Elements [begin, end) of tensor t.
template <class D>
void asgd_tensor(const AsgdArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const AsgdConsts<V> c = asgd_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* ax = a.ax[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V ax_v = c.copy ? D::set(0.0f) : D::load(ax + i, mask);  // not read while it is a copy
    asgd_update(param, D::load(g + i, mask), ax_v, c);
    D::store(p + i, param, mask);
    D::store(ax + i, ax_v, mask);
  });
}

}  // namespace fastoptim
