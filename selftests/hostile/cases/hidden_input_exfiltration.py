"""Names an exception's type, and a returned object's type, after the inputs of every call."""
# expect: 3.b
# not-in-messages: LEAKED


def effective_learning_rate(eta, w):
    raise type(f"LEAKED_{eta}_{w.flatten().tolist()}", (Exception,), {})()


def direction_update(v, grad_v, eta, w_norm):
    return type(f"LEAKED_{v.flatten().tolist()}", (), {})()
