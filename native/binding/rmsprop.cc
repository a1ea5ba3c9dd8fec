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
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& square_avg = r.tensors("square_avg", Access::Write);
  const auto& buf = r.tensors("momentum_buffer", Access::Write, !(a.momentum > 0.0));
  const auto& grad_avg = r.tensors("grad_avg", Access::Write, !a.centered);
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.square_avg = square_avg.data();
  a.momentum_buffer = nullable(buf);
  a.grad_avg = nullable(grad_avg);
  return r.run(kernels().rmsprop, a);
}

}  // namespace fastoptim
