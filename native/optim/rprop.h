// Rprop, resilient backpropagation (Riedmiller and Braun 1993), with maximize, as PyTorch's
// torch.optim.Rprop. Each element keeps its own step size, grown by etaplus while the
// gradient's sign holds and shrunk by etaminus when it flips; only the sign of the gradient
// moves the parameter. The sign logic is compare + select, never a branch on data. The update
// rule is written once, in rprop_update, and instantiated for float (scalar, CUDA) and every
// lane type.
#pragma once

#include "optim/common.h"

namespace fastoptim {

// One parameter group: num_tensors tensors, tensor t has numel[t] elements.
struct RpropArgs {
  size_t num_tensors;
  const size_t* numel;
  float* const* params;
  const float* const* grads;
  float* const* prev;       // the previous step's gradient (0 where it flipped sign)
  float* const* step_size;  // per element, starts at lr (the host fills it)
  // Group scalars, as the host gave them (double); each is rounded to float once when broadcast.
  double etaminus, etaplus, step_size_min, step_size_max;
  bool maximize;
};

// The step's scalars, broadcast once per tensor into lanes of type V.
template <class V>
struct RpropConsts {
  V etaminus, etaplus, step_size_min, step_size_max, grad_sign, zero, one, minus_one;
};

template <class D>
RpropConsts<typename D::Vec> rprop_consts(const RpropArgs& a, size_t) {
  RpropConsts<typename D::Vec> c;
  c.etaminus = D::set(static_cast<float>(a.etaminus));
  c.etaplus = D::set(static_cast<float>(a.etaplus));
  c.step_size_min = D::set(static_cast<float>(a.step_size_min));
  c.step_size_max = D::set(static_cast<float>(a.step_size_max));
  c.grad_sign = D::set(a.maximize ? -1.0f : 1.0f);
  c.zero = D::set(0.0f);
  c.one = D::set(1.0f);
  c.minus_one = D::set(-1.0f);
  return c;
}

// The Rprop update of one lane-vector of elements. As PyTorch: sign(NaN) is 0, so a NaN
// gradient (or a NaN product with prev) leaves the step size and the parameter unchanged.
template <class V>
FO_HD void rprop_update(V& param, V grad, V& prev, V& step_size, const RpropConsts<V>& c) {
  V g = grad * c.grad_sign;                                        // g = -grad when maximizing
  V product = g * prev;                                            // sign agreement with last step
  V factor = select(gt(product, c.zero), c.etaplus,                // same sign: etaplus
                    select(lt(product, c.zero), c.etaminus, c.one));  // flipped: etaminus; else 1
  step_size = vmin(c.step_size_max,                                // clamp(step_size * factor,
                   vmax(c.step_size_min, step_size * factor));     //   min, max), NaN propagating
  g = select(lt(product, c.zero), c.zero, g);                      // flipped: no move, forget g
  V neg_sign = select(gt(g, c.zero), c.minus_one,                  // -sign(g)
                      select(lt(g, c.zero), c.one, c.zero));
  param = mul_add(neg_sign, step_size, param);                     // p -= sign(g) * step_size
  prev = g;                                                        // remembered for the next step
}

// Elements [begin, end) of tensor t.
template <class D>
void rprop_tensor(const RpropArgs& a, size_t t, size_t begin, size_t end) {
  using V = typename D::Vec;
  const RpropConsts<V> c = rprop_consts<D>(a, t);
  float* p = a.params[t];
  const float* g = a.grads[t];
  float* prev = a.prev[t];
  float* s = a.step_size[t];
  for_each_vector<D>(begin, end, [&](size_t i, auto mask) {
    V param = D::load(p + i, mask);
    V prev_v = D::load(prev + i, mask);
    V step_size = D::load(s + i, mask);
    rprop_update(param, D::load(g + i, mask), prev_v, step_size, c);
    D::store(p + i, param, mask);
    D::store(prev + i, prev_v, mask);
    D::store(s + i, step_size, mask);
  });
}

}  // namespace fastoptim
