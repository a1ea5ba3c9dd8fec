#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// lars({ params, grads, momentum_buffer, exclude, lr, momentum, weight_decay, trust_coefficient,
//        eps, nesterov, maximize })
Napi::Value bind_lars(const Napi::CallbackInfo& info) {
  GroupReader r(info, "lars");
  LarsArgs a{};
  a.lr = r.number("lr");
  a.momentum = r.number("momentum");
  a.weight_decay = r.number("weight_decay");
  a.trust_coefficient = r.number("trust_coefficient");
  a.eps = r.number("eps");
  a.nesterov = r.flag("nesterov");
  a.maximize = r.flag("maximize");
  const bool momentum = a.momentum != 0.0;
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& momentum_buffer = r.tensors("momentum_buffer", Access::Write, !momentum);
  a.exclude = r.per_tensor_flags("exclude");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.momentum_buffer = nullable(momentum_buffer);
  return r.run(kernels().lars, a);
}

}  // namespace fastoptim
