#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// rmsprop({ params, grads, square_avg, momentum_buffer, grad_avg, lr, alpha, eps, weight_decay,
//           momentum, centered, maximize })
Napi::Value bind_rmsprop(const Napi::CallbackInfo& info) {
  GroupReader r(info, "rmsprop");
  RmspropArgs a{};
  a.lr = r.number("lr");
  a.alpha = r.number("alpha");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.momentum = r.number("momentum");
  a.centered = r.flag("centered");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.square_avg = r.written("square_avg");
  a.momentum_buffer = r.written("momentum_buffer", !(a.momentum > 0.0));
  a.grad_avg = r.written("grad_avg", !a.centered);
  return r.run(kernels().rmsprop, a);
}

}  // namespace fastoptim
