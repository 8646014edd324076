"""Prints whatever secret it can read, then crashes so that the output tail shows in the feedback."""
# expect: full
import os
import hostile_kit as kit

_reference = direction_update


def direction_update(v, grad_v, eta, w_norm):
    secrets = kit.read_secrets()
    if secrets:
        print(secrets[-1500:], flush=True)
        os._exit(1)
    return _reference(v, grad_v, eta, w_norm)
