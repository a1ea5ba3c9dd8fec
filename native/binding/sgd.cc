#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// sgd({ params, grads, momentum_buffer, momentum_buffer_init, lr, momentum, dampening,
//       weight_decay, nesterov, maximize })
Napi::Value bind_sgd(const Napi::CallbackInfo& info) {
  GroupReader r(info, "sgd");
  SgdArgs a{};
  a.lr = r.number("lr");
  a.momentum = r.number("momentum");
  a.dampening = r.number("dampening");
  a.weight_decay = r.number("weight_decay");
  a.nesterov = r.flag("nesterov");
  a.maximize = r.flag("maximize");
  const bool momentum = a.momentum != 0.0;
  const auto& params = r.tensors("params", Access::Write);
  const auto& grads = r.tensors("grads", Access::Read);
  const auto& buf = r.tensors("momentum_buffer", Access::Write, !momentum);
  if (momentum) a.momentum_buffer_init = r.per_tensor_flags("momentum_buffer_init");
  r.check_no_overlap();
  a.num_tensors = r.num_tensors();
  a.numel = r.numel();
  a.params = params.data();
  a.grads = as_const(grads);
  a.momentum_buffer = nullable(buf);
  return r.run(kernels().sgd, a);
}

}  // namespace fastoptim
