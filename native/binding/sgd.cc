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
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.momentum_buffer = r.written("momentum_buffer", !momentum);
  if (momentum) a.momentum_buffer_init = r.per_tensor_flags("momentum_buffer_init");
  return r.run(kernels().sgd, a);
}

}  // namespace fastoptim
