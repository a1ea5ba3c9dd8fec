// SGD with momentum, dampening, Nesterov momentum, L2 weight decay and maximize, as PyTorch's
// torch.optim.SGD (Sutskever et al. 2013 for the momentum form). The update rule is written
// once, in sgd_update, and instantiated for float (scalar, CUDA) and every SIMD lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct SgdArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* momentum_buffer;  // null when momentum == 0
  // Per tensor: 1 when momentum_buffer[t] is new this step (PyTorch: the buffer starts as a
  // copy of the gradient), 0 afterwards.
  const uint8_t* momentum_buffer_init;  // null when momentum == 0
  // Group scalars, as the host gave them (double); each is rounded to float once when broadcast.
  double lr, momentum, dampening, weight_decay;
  bool nesterov, maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct SgdConsts {
  V neg_lr, momentum, one_minus_dampening, weight_decay, grad_sign;
  bool use_momentum, init_buffer, nesterov, l2;
};

template <class D>
SgdConsts<typename D::Vec> sgd_consts(const SgdArgs& a, size_t t) {
  SgdConsts<typename D::Vec> c;
  c.neg_lr = D::set(static_cast<float>(-a.lr));
  c.momentum = D::set(static_cast<float>(a.momentum));
  c.one_minus_dampening = D::set(static_cast<float>(1.0 - a.dampening));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.use_momentum = a.momentum != 0.0;
  c.init_buffer = c.use_momentum && a.momentum_buffer_init[t] != 0;
  c.nesterov = a.nesterov;
  c.l2 = a.weight_decay != 0.0;
  return c;
}

// The SGD update of one lane-vector of elements.
template <class V>
FO_HD void sgd_update(V& param, V grad, V& buf, const SgdConsts<V>& c) {
  V d_p = grad * c.grad_sign;                                    // g = -grad when maximizing
  if (c.l2) d_p = mul_add(c.weight_decay, param, d_p);            // g += weight_decay * p
  if (c.use_momentum) {
    buf = c.init_buffer ? d_p                                     // b_1 = g
                        : mul_add(buf, c.momentum,                // b_t = momentum * b_{t-1}
                                  c.one_minus_dampening * d_p);   //       + (1 - dampening) * g
    d_p = c.nesterov ? mul_add(c.momentum, buf, d_p)              // nesterov: g + momentum * b_t
                     : buf;                                       // otherwise: b_t
  }
  param = mul_add(c.neg_lr, d_p, param);                          // p -= lr * g
}

// Elements [begin, end) of tensor t.
template <class D>
void sgd_tensor(const SgdArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const SgdConsts<V> c = sgd_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* b = c.use_momentum ? a.momentum_buffer[t] : nullptr;
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V buf = b && !c.init_buffer ? D::load(b + i, mask) : D::set(0.0f);
    sgd_update(param, D::load(g + i, mask), buf, c);
    D::store(p + i, param, mask);
    if (b) D::store(b + i, buf, mask);
  });
}

}  // namespace fastoptim
