// Adadelta (Zeiler 2012) with a learning rate, L2 weight decay and maximize, as PyTorch's
// torch.optim.Adadelta. The update rule is written once, in adadelta_update, and instantiated
// for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct AdadeltaArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* square_avg;
  float* const* acc_delta;
  // Group scalars, as the host gave them (double); 1 - rho is taken in double, as PyTorch does
  // in Python, and each value is rounded to float once when it is broadcast.
  double lr, rho, eps, weight_decay;
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct AdadeltaConsts {
  V neg_lr, rho, one_minus_rho, eps, weight_decay, grad_sign;
  bool l2;
};

template <class D>
AdadeltaConsts<typename D::Vec> adadelta_consts(const AdadeltaArgs& a, size_t) {
  AdadeltaConsts<typename D::Vec> c;
  c.neg_lr = D::set(static_cast<float>(-a.lr));
  c.rho = D::set(static_cast<float>(a.rho));
  c.one_minus_rho = D::set(static_cast<float>(1.0 - a.rho));
  c.eps = D::set(static_cast<float>(a.eps));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.l2 = a.weight_decay != 0.0;
  return c;
}

// The Adadelta update of one lane-vector of elements.
template <class V>
FO_HD void adadelta_update(V& param, V grad, V& square_avg, V& acc_delta,
                           const AdadeltaConsts<V>& c) {
  V g = grad * c.grad_sign;                                      // g = -grad when maximizing
  if (c.l2) g = mul_add(c.weight_decay, param, g);               // g += weight_decay * p
  square_avg = mul_add(c.one_minus_rho * g, g,                   // v = rho v
                       square_avg * c.rho);                      //     + (1 - rho) g^2
  V std = vsqrt(square_avg + c.eps);                             // sqrt(v + eps)
  V delta = vsqrt(acc_delta + c.eps) / std * g;                  // sqrt(u + eps) / std * g
  acc_delta = mul_add(c.one_minus_rho * delta, delta,            // u = rho u
                      acc_delta * c.rho);                        //     + (1 - rho) delta^2
  param = mul_add(c.neg_lr, delta, param);                       // p -= lr delta
}

// Elements [begin, end) of tensor t.
template <class D>
void adadelta_tensor(const AdadeltaArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const AdadeltaConsts<V> c = adadelta_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* v = a.square_avg[t];
  float* u = a.acc_delta[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V square_avg = D::load(v + i, mask);
    V acc_delta = D::load(u + i, mask);
    adadelta_update(param, D::load(g + i, mask), square_avg, acc_delta, c);
    D::store(p + i, param, mask);
    D::store(v + i, square_avg, mask);
    D::store(u + i, acc_delta, mask);
  });
}

}  // namespace fastoptim
