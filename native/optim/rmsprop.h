// RMSprop (Hinton, Lecture 6e of "Neural Networks for Machine Learning", 2012) with momentum,
// the centered variant (Graves 2013), L2 weight decay and maximize, as PyTorch's
// torch.optim.RMSprop (the square root is taken before eps is added). The update rule is written
// once, in rmsprop_update, and instantiated for float (scalar, CUDA) and every lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct RmspropArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* square_avg;
  float* const* momentum_buffer;  // null unless momentum > 0 (PyTorch: starts at zero)
  float* const* grad_avg;         // null unless centered
  // Group scalars, as the host gave them (double); 1 - alpha is taken in double, as PyTorch
  // does in Python, and each value is rounded to float once when it is broadcast.
  double lr, alpha, eps, weight_decay, momentum;
  bool centered, maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct RmspropConsts {
  V neg_lr, alpha, one_minus_alpha, eps, weight_decay, momentum, grad_sign;
  bool l2, use_momentum, centered;
};

template <class D>
RmspropConsts<typename D::Vec> rmsprop_consts(const RmspropArgs& a, size_t) {
  RmspropConsts<typename D::Vec> c;
  c.neg_lr = D::set(static_cast<float>(-a.lr));
  c.alpha = D::set(static_cast<float>(a.alpha));
  c.one_minus_alpha = D::set(static_cast<float>(1.0 - a.alpha));
  c.eps = D::set(static_cast<float>(a.eps));
  c.weight_decay = D::set(static_cast<float>(a.weight_decay));
  c.momentum = D::set(static_cast<float>(a.momentum));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.l2 = a.weight_decay != 0.0;
  c.use_momentum = a.momentum > 0.0;
  c.centered = a.centered;
  return c;
}

// The RMSprop update of one lane-vector of elements.
template <class V>
FO_HD void rmsprop_update(V& param, V grad, V& square_avg, V& momentum_buffer, V& grad_avg,
                          const RmspropConsts<V>& c) {
  V g = grad * c.grad_sign;                                        // g = -grad when maximizing
  if (c.l2) g = mul_add(c.weight_decay, param, g);                 // g += weight_decay * p
  square_avg = mul_add(c.one_minus_alpha * g, g,                   // v = alpha v
                       square_avg * c.alpha);                      //     + (1 - alpha) g^2
  V var = square_avg;
  if (c.centered) {
    grad_avg = mul_add(c.one_minus_alpha, g, grad_avg * c.alpha);  // m = alpha m + (1 - alpha) g
    var = mul_add(-grad_avg, grad_avg, square_avg);                // v - m^2
  }
  V avg = vsqrt(var) + c.eps;                                      // sqrt(v (- m^2)) + eps
  if (c.use_momentum) {
    momentum_buffer = mul_add(momentum_buffer, c.momentum, g / avg);  // b = momentum b + g / avg
    param = mul_add(c.neg_lr, momentum_buffer, param);                // p -= lr b
  } else {
    param = mul_add(c.neg_lr, g / avg, param);                        // p -= lr g / avg
  }
}

// Elements [begin, end) of tensor t.
template <class D>
void rmsprop_tensor(const RmspropArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const RmspropConsts<V> c = rmsprop_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* v = a.square_avg[t];
  float* b = c.use_momentum ? a.momentum_buffer[t] : nullptr;
  float* m = c.centered ? a.grad_avg[t] : nullptr;
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V square_avg = D::load(v + i, mask);
    V momentum_buffer = b ? D::load(b + i, mask) : D::set(0.0f);
    V grad_avg = m ? D::load(m + i, mask) : D::set(0.0f);
    rmsprop_update(param, D::load(g + i, mask), square_avg, momentum_buffer, grad_avg, c);
    D::store(p + i, param, mask);
    D::store(v + i, square_avg, mask);
    if (b) D::store(b + i, momentum_buffer, mask);
    if (m) D::store(m + i, grad_avg, mask);
  });
}

}  // namespace fastoptim
