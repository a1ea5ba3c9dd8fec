#include "binding/bindings.h"
#include "binding/reader.h"
#include "dispatch.h"

namespace fastoptim {

// adadelta({ params, grads, square_avg, acc_delta, lr, rho, eps, weight_decay, maximize })
Napi::Value bind_adadelta(const Napi::CallbackInfo& info) {
  GroupReader r(info, "adadelta");
  AdadeltaArgs a{};
  a.lr = r.number("lr");
  a.rho = r.number("rho");
  a.eps = r.number("eps");
  a.weight_decay = r.number("weight_decay");
  a.maximize = r.flag("maximize");
  a.params = r.written("params");
  a.grads = r.read("grads");
  a.square_avg = r.written("square_avg");
  a.acc_delta = r.written("acc_delta");
  return r.run(kernels().adadelta, a);
}

}  // namespace fastoptim
