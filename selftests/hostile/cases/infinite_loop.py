"""Loops forever in Python."""
# expect: 3.a
# limits: CALL_S=3
def scaled_gradient_factor(lam):
    while True:
        pass
